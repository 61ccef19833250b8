// The provider plugin's resource types. Each token leads to the provider class its dynamic resource uses, so both
// routes share every check, diff, mapping and Atlas call; what a token adds is only the plugin's view of the
// outputs, taken from the resource's property table.
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../context";
import { pluginNames, inputNames, pick, secretNames, type PropertyTable } from "../properties";
import {
  CustomerX509ConfigProvider,
  customerX509Properties,
  resourceNameKey,
  type ProjectClaims,
} from "../resources/customerX509Config";
import {
  ManagedX509CertificateProvider,
  certificateFacts,
  managedCertificateProperties,
} from "../resources/managedX509Certificate";
import { withSecrets, type PropertyValues } from "./values";

export const packageName = "atlas-x509";

export interface PluginResourceType {
  /** `atlas-x509:index:<Name>` */
  token: string;
  description: string;
  properties: PropertyTable;
  createProvider(context: ProviderContext, claims: ProjectClaims): pulumi.dynamic.ResourceProvider;
  /** The inputs check() receives: the program's, plus what the provider needs to know of the resource. */
  checkInputs(news: PropertyValues, name: string): PropertyValues;
  /** Outputs the plugin derives from the stored ones, to return beside them. */
  derivedOutputs(outs: PropertyValues): PropertyValues;
}

export const resourceTypes: readonly PluginResourceType[] = [
  {
    token: `${packageName}:index:ManagedX509Certificate`,
    description:
      'An Atlas-managed X.509 client certificate for a database user whose x509Type is "MANAGED". Atlas cannot ' +
      "revoke a certificate: deleting the resource leaves it valid until notAfter. Not importable: Atlas never " +
      "returns the private key of an existing certificate.",
    properties: managedCertificateProperties,
    createProvider: (context) => new ManagedX509CertificateProvider(context),
    checkInputs: (news) => news,
    derivedOutputs: (outs) => ({ ...certificateFacts(outs.certificatePem as string | undefined) }),
  },
  {
    token: `${packageName}:index:CustomerX509Config`,
    description:
      "A project's self-managed X.509 CA bundle (customer X.509). One per project. Deleting it disables " +
      "self-managed X.509 in the project. Import it with the project id: pulumi import " +
      `${packageName}:index:CustomerX509Config <name> <projectId>.`,
    properties: customerX509Properties,
    createProvider: (context, claims) => new CustomerX509ConfigProvider(context, claims),
    // The name lets check() refuse a second CustomerX509Config for one project, naming both.
    checkInputs: (news, name) => ({ ...news, [resourceNameKey]: name }),
    derivedOutputs: () => ({}),
  },
];

export function resourceType(token: string): PluginResourceType {
  const type = resourceTypes.find((t) => t.token === token);
  if (!type) throw new Error(`${packageName} has no resource type ${JSON.stringify(token)}`);
  return type;
}

/** What the plugin returns as a resource's outputs: the stored ones and the derived ones, key material secret. */
export function pluginOutputs(type: PluginResourceType, outs: PropertyValues): PropertyValues {
  const values = pick({ ...outs, ...type.derivedOutputs(outs) }, pluginNames(type.properties));
  return withSecrets(values, secretNames(type.properties));
}

/** The inputs of a resource read without any (`pulumi import`): its arguments, as the state holds them. */
export function inputsFromOutputs(type: PluginResourceType, outs: PropertyValues): PropertyValues {
  return pick(outs, inputNames(type.properties));
}
