// The provider plugin's resources for TypeScript programs: `import { ... } from "pulumi-atlas-x509/plugin"`.
// They register the plugin's type tokens (atlas-x509:index:*) instead of dynamic resources, with the provider
// pinned to this package's version. The engine starts the plugin (`pulumi-resource-atlas-x509`, this package's bin;
// see the project's Pulumi.yaml `plugins:` entry), which serves them with the same provider classes as the dynamic
// resources. What this route adds: `pulumi import`, explicit provider instances, and no `__provider` in the state.
import * as pulumi from "@pulumi/pulumi";
import { packageVersion } from "../atlas/version";
import { settingNames, settingSpecs } from "../config";
import { pluginNames, secretNames, type DeclaredOutputs, type PropertyTable, type SameNames } from "../properties";
import {
  customerX509Properties,
  type CaCertificateSummary,
  type CustomerX509ConfigArgs,
} from "../resources/customerX509Config";
import {
  derivedCertificateOutputs,
  managedCertificateProperties,
  type ManagedX509CertificateArgs,
} from "../resources/managedX509Certificate";
import { packageName, resourceTypes } from "./resource-types";

export type { CaCertificateSummary, CustomerX509ConfigArgs, ManagedX509CertificateArgs };

/** An explicit provider's settings; each one left unset falls back to its environment variable (see docs/installation-configuration.md). */
export interface ProviderArgs {
  publicKey?: pulumi.Input<string>;
  /** Secret in the state. */
  privateKey?: pulumi.Input<string>;
  clientId?: pulumi.Input<string>;
  /** Secret in the state. */
  clientSecret?: pulumi.Input<string>;
  baseUrl?: pulumi.Input<string>;
  isMongodbgovCloud?: pulumi.Input<boolean>;
  apiVersion?: pulumi.Input<string>;
  requestTimeoutSeconds?: pulumi.Input<number>;
}

// The settings table and ProviderArgs name the same settings.
true satisfies SameNames<keyof ProviderArgs, (typeof settingNames)[number]>;

/** Options of every resource of this module: the plugin of this package's own version, key material secret. */
function pinned(opts: pulumi.CustomResourceOptions | undefined, secrets: readonly string[]) {
  const additionalSecretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])];
  return { ...opts, version: packageVersion(), additionalSecretOutputs };
}

/** A provider instance: another Atlas organization, other keys, another base URL. */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts?: pulumi.ResourceOptions) {
    const secrets = settingNames.filter((s) => "secret" in settingSpecs[s]);
    const inputs: Record<string, unknown> = { ...args };
    for (const key of secrets) if (inputs[key] !== undefined) inputs[key] = pulumi.secret(inputs[key]);
    super(packageName, name, inputs, { ...opts, version: packageVersion() });
  }
}

/** The plugin's outputs that are not arguments start as undefined: the engine exposes only the keys present. */
function withOutputs(args: object, table: PropertyTable): Record<string, unknown> {
  const outputs = pluginNames(table).filter((name) => table[name].input === undefined);
  return { ...args, ...Object.fromEntries(outputs.map((name) => [name, undefined])) };
}

const tokenOf = (name: string) => resourceTypes.find((t) => t.token.endsWith(`:${name}`))!.token;

/** See the dynamic ManagedX509Certificate: the same resource, served by the provider plugin. */
export class ManagedX509Certificate extends pulumi.CustomResource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly username: pulumi.Output<string>;
  declare readonly monthsUntilExpiration: pulumi.Output<number>;
  declare readonly renewBeforeDays: pulumi.Output<number | undefined>;
  declare readonly certificatePem: pulumi.Output<string>;
  /** Secret. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  /** Secret: certificate followed by private key, derived in the program. */
  readonly certificateKeyPem: pulumi.Output<string>;
  declare readonly serialNumber: pulumi.Output<string>;
  declare readonly subject: pulumi.Output<string>;
  declare readonly notBefore: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;
  declare readonly sha256Fingerprint: pulumi.Output<string>;

  constructor(name: string, args: ManagedX509CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const table = managedCertificateProperties;
    super(tokenOf("ManagedX509Certificate"), name, withOutputs(args, table), pinned(opts, secretNames(table)));
    this.certificateKeyPem = derivedCertificateOutputs(this.certificatePem, this.privateKeyPem).certificateKeyPem;
  }
}

/** See the dynamic CustomerX509Config: the same resource, served by the provider plugin. */
export class CustomerX509Config extends pulumi.CustomResource {
  declare readonly projectId: pulumi.Output<string>;
  /** The bundle exactly as Atlas stores it. */
  declare readonly cas: pulumi.Output<string>;
  declare readonly expiryWarningDays: pulumi.Output<number>;
  declare readonly certificates: pulumi.Output<CaCertificateSummary[]>;
  declare readonly earliestNotAfter: pulumi.Output<string>;

  /** Reads the bundle a project holds, by project id, without managing it. */
  static get(name: string, projectId: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): CustomerX509Config {
    return new CustomerX509Config(name, undefined, { ...opts, id: projectId });
  }

  constructor(name: string, args: CustomerX509ConfigArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    const table = customerX509Properties;
    super(tokenOf("CustomerX509Config"), name, withOutputs(args ?? {}, table), pinned(opts, secretNames(table)));
  }
}

// Every declared output has a table entry, and every table entry is declared.
true satisfies SameNames<DeclaredOutputs<ManagedX509Certificate>, keyof typeof managedCertificateProperties>;
true satisfies SameNames<DeclaredOutputs<CustomerX509Config>, keyof typeof customerX509Properties>;
