// CustomerX509Config: a project's self-managed X.509 CA bundle (Atlas's "customer" X.509).
//
//   check   -> parses and validates the bundle and the provider settings, no API call
//   create  -> GET /groups/{projectId}/userSecurity (to report what it takes over), then
//              PATCH /groups/{projectId}/userSecurity with {"customerX509":{"cas":...}} only (LDAP untouched)
//   read    -> GET /groups/{projectId}/userSecurity: the bundle Atlas holds becomes the state; gone only when Atlas
//              answers customerX509 without CAs or says the project does not exist (any failure keeps the state)
//   update  -> one PATCH when the certificates changed; none for text-only or expiryWarningDays changes
//   delete  -> DELETE /groups/{projectId}/userSecurity/customerX509: disables self-managed X.509 in the project,
//              unless another CustomerX509Config of this run now holds the project (a replacement or a rename)
//
// A project has one customer CA bundle. check() keeps, per plugin process (the process serves every resource of
// the stack), which resource claims which project, and refuses a second CustomerX509Config for a claimed project.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { UserSecurity } from "../atlas/client";
import { isAtlasNotFound } from "../atlas/errors";
import { ProviderContext } from "../context";
import { describeCertificate, isPrivateKeyLabel, parseCertificate, scanPem, type CertificateInfo } from "../pem";
import {
  outputOnlyNames,
  replacingNames,
  type DeclaredOutputs,
  type InputNames,
  type PropertyTable,
  type ResourceDiff,
  type SameNames,
} from "../properties";
// The object Pulumi serializes into each resource's `__provider`: a few lines that load this package's runtime in
// the dynamic-provider plugin, which then builds CustomerX509ConfigProvider below (see provider/shim.ts).
import customerShim = require("../shims/customerX509Config");
import { checkInteger, checkProjectId, describeValue, isUnknown, type CheckFailure } from "../validation";

// ---------------------------------------------------------------------------------------------------------------
// Arguments

export interface CustomerX509ConfigArgs {
  /** The Atlas project (group) id: 24 hexadecimal characters. Changing it moves the bundle to the new project. */
  projectId: pulumi.Input<string>;
  /** One or more PEM CA certificates (root and intermediates). Public material: not secret. */
  cas: pulumi.Input<string>;
  /** Warn in previews when a CA expires within this many days (default 30). */
  expiryWarningDays?: pulumi.Input<number>;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolved inputs and outputs

export interface CustomerX509ConfigInputs {
  projectId: string;
  cas: string;
  expiryWarningDays: number;
}

/** One CA of the bundle: subject, issuer, serialNumber, notBefore, notAfter, sha256Fingerprint. */
export type CaCertificateSummary = Omit<CertificateInfo, "isCertificateAuthority">;

export interface CustomerX509ConfigOutputs extends CustomerX509ConfigInputs {
  /** The bundle exactly as Atlas stores it. */
  cas: string;
  certificates: CaCertificateSummary[];
  earliestNotAfter: string;
}

/** Every property, said once: the state, both resource classes and the plugin's schema derive from this table. */
export const customerX509Properties = {
  projectId: {
    type: "string",
    input: "required",
    replaceOnChange: true,
    description:
      "The Atlas project (group) id: 24 hexadecimal characters. Changing it moves the bundle to the new project.",
  },
  cas: {
    type: "string",
    input: "required",
    description:
      "One or more PEM CA certificates (root and intermediates); public material, not secret. As an output: the " +
      "bundle exactly as Atlas stores it. Line endings, blank lines and order never count as a change.",
  },
  expiryWarningDays: {
    type: "integer",
    input: "optional",
    description: "Warn in previews when a CA expires within this many days (default 30).",
  },
  certificates: {
    type: { arrayOf: "CaCertificateSummary" },
    description: "One summary per CA of the bundle, in its order.",
  },
  earliestNotAfter: { type: "string", description: "When the first CA of the bundle expires (ISO 8601)." },
} as const satisfies PropertyTable<keyof CustomerX509ConfigOutputs>;

/** The fields of one CaCertificateSummary, for the plugin's schema. */
export const caCertificateSummaryProperties = {
  subject: { type: "string", description: "The CA's subject." },
  issuer: { type: "string", description: "The CA's issuer." },
  serialNumber: { type: "string", description: "The serial number, in decimal." },
  notBefore: { type: "string", description: "Start of validity (ISO 8601)." },
  notAfter: { type: "string", description: "End of validity (ISO 8601)." },
  sha256Fingerprint: { type: "string", description: "SHA-256 fingerprint (hex, colon-separated)." },
} as const satisfies PropertyTable<keyof CaCertificateSummary>;

export const defaultExpiryWarningDays = 30;
const replacingInputs = replacingNames(customerX509Properties) as (keyof CustomerX509ConfigInputs)[];
/** Limits of this provider (Atlas documents none): a real CA bundle is a few certificates, a few KiB. */
export const maxBundleBytes = 256 * 1024;
export const maxBundleCertificates = 100;
const dayMs = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------------------
// Pure mapping between inputs, Atlas and state

export interface ParsedBundle {
  /** The certificates re-emitted canonically (LF, 64 columns), in the order given. */
  canonicalPem: string;
  certificates: CertificateInfo[];
  failures: CheckFailure[];
}

/**
 * Parses and validates a CA bundle. Failures name the block by position (`cas[block 2]`) rather than the `cas`
 * field itself: the engine prints the value of a failing field, and a bundle may hold a pasted private key.
 */
export function parseCaBundle(text: unknown, now: Date): ParsedBundle {
  const failures: CheckFailure[] = [];
  const empty = { canonicalPem: "", certificates: [], failures };
  if (typeof text !== "string" || text.trim() === "") {
    failures.push({ property: "cas", reason: `must be one or more PEM CA certificates (got ${describeValue(text)})` });
    return empty;
  }
  if (Buffer.byteLength(text) > maxBundleBytes) {
    failures.push({
      property: "cas[size]",
      reason: `is ${Buffer.byteLength(text)} bytes; a CA bundle may be at most ${maxBundleBytes} bytes`,
    });
    return empty;
  }
  const scan = scanPem(text);
  if (scan.hasStrayText) {
    failures.push({
      property: "cas[text]",
      reason:
        "contains text outside PEM blocks; keep only -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks (the text is not shown here)",
    });
  }
  if (scan.unterminated > 0) {
    failures.push({
      property: "cas[text]",
      reason: `has ${scan.unterminated} PEM block(s) without a matching END line`,
    });
  }
  if (scan.blocks.length === 0 && scan.unterminated === 0) {
    // Not `cas`: the engine would print the whole text, which may be key material pasted without its PEM lines.
    failures.push({ property: "cas[text]", reason: "contains no PEM certificate" });
  }
  const certificates: CertificateInfo[] = [];
  const canonical: string[] = [];
  const seen = new Map<string, number>();
  const certificateBlocks = scan.blocks.filter((b) => b.label === "CERTIFICATE").length;
  if (certificateBlocks > maxBundleCertificates) {
    failures.push({
      property: "cas[size]",
      reason: `holds ${certificateBlocks} certificates; at most ${maxBundleCertificates} are accepted`,
    });
  }
  for (const block of scan.blocks) {
    const property = `cas[block ${block.index}]`;
    if (isPrivateKeyLabel(block.label)) {
      failures.push({
        property,
        reason: `is a private key (${block.label}): a CA bundle holds certificates only. Remove it, and treat that key as exposed; its content is not shown here`,
      });
      continue;
    }
    if (block.label !== "CERTIFICATE") {
      failures.push({ property, reason: `is a ${block.label}, not a CERTIFICATE` });
      continue;
    }
    let info: CertificateInfo;
    try {
      info = describeCertificate(parseCertificate(block.pem));
    } catch {
      failures.push({ property, reason: "is not a valid X.509 certificate" });
      continue;
    }
    const previous = seen.get(info.sha256Fingerprint);
    if (previous !== undefined) {
      failures.push({ property, reason: `repeats block ${previous} (${info.subject})` });
      continue;
    }
    seen.set(info.sha256Fingerprint, block.index);
    if (!info.isCertificateAuthority) {
      failures.push({
        property,
        reason: `"${info.subject}" is not a CA certificate (basic constraints CA:TRUE is missing); user certificates do not belong in the bundle`,
      });
    }
    if (Date.parse(info.notAfter) <= now.getTime()) {
      failures.push({
        property,
        reason: `"${info.subject}" expired on ${info.notAfter}; Atlas rejects expired CAs (EXPIRED_X509_CA_CERTIFICATE)`,
      });
    }
    certificates.push(info);
    canonical.push(block.pem);
  }
  return { canonicalPem: canonical.join(""), certificates, failures };
}

export function checkCustomerX509Inputs(
  news: Record<string, unknown>,
  now: Date,
): { inputs: CustomerX509ConfigInputs; failures: CheckFailure[]; expiringSoon: CertificateInfo[] } {
  const failures: CheckFailure[] = [];
  checkProjectId(news.projectId, failures);
  const warningDays = news.expiryWarningDays ?? defaultExpiryWarningDays;
  checkInteger("expiryWarningDays", warningDays, { min: 0, max: 3650 }, failures);
  let cas = news.cas as string;
  let expiringSoon: CertificateInfo[] = [];
  if (!isUnknown(news.cas)) {
    const bundle = parseCaBundle(news.cas, now);
    failures.push(...bundle.failures);
    if (bundle.failures.length === 0) cas = bundle.canonicalPem;
    if (typeof warningDays === "number") {
      const horizon = now.getTime() + warningDays * dayMs;
      expiringSoon = bundle.certificates.filter(
        (c) => Date.parse(c.notAfter) > now.getTime() && Date.parse(c.notAfter) <= horizon,
      );
    }
  }
  return {
    inputs: { projectId: news.projectId as string, cas, expiryWarningDays: warningDays as number },
    failures,
    expiringSoon,
  };
}

/** The bundle's identity: the set of its certificates. Line endings, blank lines and order do not matter. */
export function bundleIdentity(text: string): string {
  const fingerprints = scanPem(text)
    .blocks.filter((b) => b.label === "CERTIFICATE")
    .map((b) => createHash("sha256").update(b.pem).digest("hex"));
  return [...new Set(fingerprints)].sort().join(",");
}

export function sameBundle(a: string, b: string): boolean {
  return bundleIdentity(a) === bundleIdentity(b);
}

/** The state for a bundle Atlas holds; describes what parses and skips what does not. */
export function outputsFromAtlas(
  inputs: Pick<CustomerX509ConfigInputs, "projectId" | "expiryWarningDays">,
  cas: string,
): CustomerX509ConfigOutputs {
  const certificates: CaCertificateSummary[] = [];
  for (const block of scanPem(cas).blocks) {
    if (block.label !== "CERTIFICATE") continue;
    try {
      const { isCertificateAuthority: _ca, ...summary } = describeCertificate(parseCertificate(block.pem));
      certificates.push(summary);
    } catch {
      // Atlas validates what it stores; an unreadable block is left out of the summary, not fatal.
    }
  }
  const earliestNotAfter = certificates.map((c) => c.notAfter).sort()[0] ?? "";
  return {
    projectId: inputs.projectId,
    expiryWarningDays: inputs.expiryWarningDays,
    cas,
    certificates,
    earliestNotAfter,
  };
}

export function diffCustomerX509Config(olds: CustomerX509ConfigOutputs, news: CustomerX509ConfigInputs): ResourceDiff {
  const replaces: string[] = replacingInputs.filter((key) => isUnknown(news[key]) || olds[key] !== news[key]);
  const diffs = [
    ...replaces,
    ...(isUnknown(news.cas) || !sameBundle(olds.cas, news.cas) ? ["cas"] : []),
    ...(olds.expiryWarningDays !== news.expiryWarningDays ? ["expiryWarningDays"] : []),
  ];
  // A new project gets its bundle before the old project loses its own.
  return { changes: diffs.length > 0, replaces, diffs, deleteBeforeReplace: false };
}

// ---------------------------------------------------------------------------------------------------------------
// One CustomerX509Config per project

/**
 * The input that carries the resource's name to check(), which receives no URN. check() removes it from the
 * inputs it returns, so it never reaches diffs or the state.
 */
export const resourceNameKey = "__resourceName";

/** Which CustomerX509Config (by name) claims which project, in one plugin process. */
export class ProjectClaims {
  private readonly byProject = new Map<string, string>();
  private readonly byResource = new Map<string, string>();

  /**
   * Records that the resource claims the project; returns the name of another resource that claimed it first. The
   * same resource may be checked more than once (a replacement is checked again), and may move to another project.
   */
  claim(name: string, projectId: string): string | undefined {
    const holder = this.byProject.get(projectId);
    if (holder !== undefined && holder !== name) return holder;
    const previous = this.byResource.get(name);
    if (previous !== undefined && previous !== projectId) this.byProject.delete(previous);
    this.byProject.set(projectId, name);
    this.byResource.set(name, projectId);
    return undefined;
  }

  /** The resource that claimed the project in this process, if any. */
  holder(projectId: string): string | undefined {
    return this.byProject.get(projectId);
  }
}

export function duplicateProjectReason(projectId: string, name: string, holder: string): string {
  return (
    `CustomerX509Config "${name}" and CustomerX509Config "${holder}" both manage the customer CA bundle of ` +
    `project ${projectId}. A project has one bundle: each would overwrite the other's on every update. Declare ` +
    `one CustomerX509Config per project and put all the CAs in its cas.`
  );
}

function customerCas(security: UserSecurity): string | undefined {
  const cas = security.customerX509?.cas;
  return cas && cas.trim() !== "" ? cas : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

export class CustomerX509ConfigProvider implements pulumi.dynamic.ResourceProvider<
  CustomerX509ConfigInputs,
  CustomerX509ConfigOutputs
> {
  constructor(
    private readonly context: ProviderContext,
    /** Shared by every provider object of the plugin process (runtime.ts); a fresh one by default. */
    private readonly claims: ProjectClaims = new ProjectClaims(),
  ) {}

  async check(_olds: unknown, news: object): Promise<pulumi.dynamic.CheckResult<CustomerX509ConfigInputs>> {
    const { inputs, failures, expiringSoon } = checkCustomerX509Inputs(
      news as Record<string, unknown>,
      this.context.now(),
    );
    // Claimed before any await: the engine checks the resources of a stack concurrently.
    const name = (news as Record<string, unknown>)[resourceNameKey];
    const projectKnown = !failures.some((f) => f.property === "projectId") && !isUnknown(inputs.projectId);
    if (typeof name === "string" && projectKnown) {
      const holder = this.claims.claim(name, inputs.projectId);
      if (holder !== undefined) {
        failures.push({ property: "projectId", reason: duplicateProjectReason(inputs.projectId, name, holder) });
      }
    }
    failures.push(...this.context.problems.map((p) => ({ property: p.key, reason: p.reason })));
    for (const cert of expiringSoon) {
      await this.context.warn(
        `CustomerX509Config for project ${inputs.projectId}: CA "${cert.subject}" expires on ${cert.notAfter}, ` +
          `within ${inputs.expiryWarningDays} days. Users whose certificates chain to it will fail to log in after that.`,
      );
    }
    return { inputs, failures };
  }

  async diff(_id: string, olds: CustomerX509ConfigOutputs, news: CustomerX509ConfigInputs) {
    return diffCustomerX509Config(olds, news);
  }

  async create(inputs: CustomerX509ConfigInputs): Promise<pulumi.dynamic.CreateResult<CustomerX509ConfigOutputs>> {
    const client = this.context.client();
    const existing = customerCas(await client.getUserSecurity(inputs.projectId));
    if (existing !== undefined && !sameBundle(existing, inputs.cas)) {
      const previous = outputsFromAtlas(inputs, existing).certificates.map((c) => `"${c.subject}"`);
      await this.context.warn(
        `CustomerX509Config for project ${inputs.projectId} takes over the CA bundle already configured there ` +
          `(${previous.join(", ") || "unreadable certificates"}) and replaces it with the declared one.`,
      );
    }
    const stored = await this.apply(inputs);
    return { id: inputs.projectId, outs: stored };
  }

  async read(
    id: string,
    props?: CustomerX509ConfigOutputs,
  ): Promise<pulumi.dynamic.ReadResult<CustomerX509ConfigOutputs>> {
    const projectId = props?.projectId ?? id;
    if (props === undefined) {
      // `pulumi import` (no state yet): the id the user typed is the project id.
      const failures: CheckFailure[] = [];
      checkProjectId(projectId, failures, "id");
      if (failures.length > 0) {
        throw new Error(`Importing a CustomerX509Config takes the project id as its id: ${failures[0]!.reason}.`);
      }
    }
    let security: UserSecurity;
    try {
      security = await this.context.client().getUserSecurity(projectId);
    } catch (err) {
      // Gone only when Atlas says the project does not exist; any other failure keeps the state.
      if (isAtlasNotFound(err)) return {};
      throw err;
    }
    if (security.customerX509 === undefined) {
      // Atlas always answers with a customerX509 section ({} when no bundle is set): this answer says nothing.
      throw new Error(
        `Refreshing CustomerX509Config for project ${projectId}: the answer to GET userSecurity has no ` +
          "customerX509 section, so it says nothing about the bundle; the state is kept. Hint: check that the " +
          "provider's baseUrl points at Atlas and that no proxy answers in its place.",
      );
    }
    const cas = customerCas(security);
    if (cas === undefined) return {};
    const expiryWarningDays = props?.expiryWarningDays ?? defaultExpiryWarningDays;
    return { id, props: outputsFromAtlas({ projectId, expiryWarningDays }, cas) };
  }

  async update(
    _id: string,
    olds: CustomerX509ConfigOutputs,
    news: CustomerX509ConfigInputs,
  ): Promise<pulumi.dynamic.UpdateResult<CustomerX509ConfigOutputs>> {
    if (sameBundle(olds.cas, news.cas)) {
      return { outs: outputsFromAtlas(news, olds.cas) };
    }
    return { outs: await this.apply(news) };
  }

  async delete(_id: string, props: CustomerX509ConfigOutputs): Promise<void> {
    const holder = this.claims.holder(props.projectId);
    if (holder !== undefined) {
      // A CustomerX509Config checked in this run holds the project now (this one was replaced or renamed, and its
      // successor set the bundle first): disabling customer X.509 would take the successor's bundle away.
      await this.context.warn(
        `CustomerX509Config for project ${props.projectId} left the stack; the customer CA bundle stays enabled ` +
          `because CustomerX509Config "${holder}" of this stack now manages it.`,
      );
      return;
    }
    try {
      await this.context.client().disableCustomerX509(props.projectId);
    } catch (err) {
      // Already gone with its project: nothing left to disable.
      if (isAtlasNotFound(err)) return;
      throw err;
    }
  }

  /** One PATCH naming only customerX509; the state is what Atlas answers it stores. */
  private async apply(inputs: CustomerX509ConfigInputs): Promise<CustomerX509ConfigOutputs> {
    const answer = await this.context.client().setCustomerX509(inputs.projectId, inputs.cas);
    return outputsFromAtlas(inputs, customerCas(answer) ?? inputs.cas);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The resource

export class CustomerX509Config extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  /** The bundle exactly as Atlas stores it. */
  declare readonly cas: pulumi.Output<string>;
  declare readonly expiryWarningDays: pulumi.Output<number>;
  declare readonly certificates: pulumi.Output<CaCertificateSummary[]>;
  declare readonly earliestNotAfter: pulumi.Output<string>;

  constructor(name: string, args: CustomerX509ConfigArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(outputOnlyNames(customerX509Properties).map((k) => [k, undefined]));
    // customerShim is the provider: the engine runs it in the dynamic-provider plugin, where it delegates every call
    // to CustomerX509ConfigProvider. The type token is pulumi-nodejs:dynamic/atlas:CustomerX509Config. The name
    // lets check() refuse a second CustomerX509Config for one project, naming both.
    super(customerShim, name, { ...args, ...outputs, [resourceNameKey]: name }, opts, "atlas", "CustomerX509Config");
  }
}

// Every declared output has a table entry, and every table entry is declared.
true satisfies SameNames<DeclaredOutputs<CustomerX509Config>, keyof typeof customerX509Properties>;
// The arguments are the table's arguments.
true satisfies SameNames<keyof CustomerX509ConfigArgs, InputNames<typeof customerX509Properties>>;
