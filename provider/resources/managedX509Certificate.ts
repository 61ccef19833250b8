// ManagedX509Certificate: an Atlas-managed client certificate for a database user whose x509Type is MANAGED.
//
//   check   -> validates inputs and provider settings, no API call
//   create  -> POST /groups/{projectId}/databaseUsers/{username}/certs (raw PEM: certificate + private key)
//   read    -> GET  /groups/{projectId}/databaseUsers/{username}/certs (all pages, unexpired only)
//   update  -> renewBeforeDays only, no API call
//   delete  -> no API call: Atlas cannot revoke a certificate; a warning says so
import * as pulumi from "@pulumi/pulumi";
import type { UserCert } from "../atlas/client";
import { isAtlasNotFound } from "../atlas/errors";
import { ProviderContext } from "../context";
import { describeCertificate, parseCertificate, splitCertificateAndKey } from "../pem";
// The object Pulumi serializes into each resource's `__provider`: a few lines that load this package's runtime in
// the dynamic-provider plugin, which then builds ManagedX509CertificateProvider below (see provider/shim.ts).
import managedShim = require("../shims/managedX509Certificate");
import {
  outputOnlyNames,
  pick,
  replacingNames,
  secretNames,
  storedNames,
  type DeclaredOutputs,
  type PropertyTable,
  type InputNames,
  type ResourceDiff,
  type SameNames,
} from "../properties";
import { checkInteger, checkProjectId, definedOnly, describeValue, isUnknown, type CheckFailure } from "../validation";

// ---------------------------------------------------------------------------------------------------------------
// Arguments

export interface ManagedX509CertificateArgs {
  /** The Atlas project (group) id: 24 hexadecimal characters. Changing it issues a new certificate. */
  projectId: pulumi.Input<string>;
  /** An existing database user in `$external` with `x509Type: "MANAGED"`. Changing it issues a new certificate. */
  username: pulumi.Input<string>;
  /** Validity in months, 1 to 24 (Atlas's default: 3). Changing it issues a new certificate. */
  monthsUntilExpiration?: pulumi.Input<number>;
  /**
   * Rotate when fewer than this many days of validity remain: from then on `pulumi preview` shows a replace and
   * `pulumi up` issues the successor before the old certificate leaves the stack. Unset: never rotate early.
   */
  renewBeforeDays?: pulumi.Input<number>;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolved inputs and outputs

export interface ManagedX509CertificateInputs {
  projectId: string;
  username: string;
  monthsUntilExpiration: number;
  renewBeforeDays?: number;
}

/**
 * What the state holds for a certificate: the inputs, the certificate and its key, and what refresh and diff read
 * (serialNumber to find the certificate in Atlas's listing, subject and notAfter as Atlas lists them). The other
 * outputs of the resource (certificateKeyPem, notBefore, sha256Fingerprint) are derived from these in the program,
 * not stored: see ManagedX509Certificate.
 */
export interface ManagedX509CertificateOutputs extends ManagedX509CertificateInputs {
  certificatePem: string;
  /** Secret. Atlas returns it once, at creation; it lives only in this (encrypted) output. */
  privateKeyPem: string;
  /** Decimal: Atlas serials exceed 2^53. */
  serialNumber: string;
  subject: string;
  notAfter: string;
}

/** Derived from certificatePem and privateKeyPem when read, never stored. */
export interface ManagedX509CertificateDerived {
  certificateKeyPem: string;
  notBefore: string;
  sha256Fingerprint: string;
}

/** Every property, said once: the state, both resource classes and the plugin's schema derive from this table. */
export const managedCertificateProperties = {
  projectId: {
    type: "string",
    input: "required",
    replaceOnChange: true,
    description: "The Atlas project (group) id: 24 hexadecimal characters. Changing it issues a new certificate.",
  },
  username: {
    type: "string",
    input: "required",
    replaceOnChange: true,
    description:
      'An existing database user in `$external` with `x509Type: "MANAGED"`. Changing it issues a new certificate.',
  },
  monthsUntilExpiration: {
    type: "integer",
    input: "optional",
    replaceOnChange: true,
    description: "Validity in months, 1 to 24 (Atlas's default: 3). Changing it issues a new certificate.",
  },
  renewBeforeDays: {
    type: "integer",
    input: "optional",
    optional: true,
    description:
      "Rotate when fewer than this many days of validity remain: from then on a preview shows a replace, and the " +
      "update issues the successor before the old certificate leaves the stack. Unset: never rotate early.",
  },
  certificatePem: { type: "string", description: "The certificate (PEM)." },
  privateKeyPem: {
    type: "string",
    secret: true,
    description: "The certificate's private key (PKCS#8 PEM). Atlas returns it once, at creation.",
  },
  certificateKeyPem: {
    type: "string",
    secret: true,
    derived: "program",
    description: "The certificate followed by its private key, for the driver's `tlsCertificateKeyFile`.",
  },
  serialNumber: { type: "string", description: "The serial number, in decimal (Atlas serials exceed 2^53)." },
  subject: { type: "string", description: "The subject, as Atlas lists it." },
  notBefore: { type: "string", derived: "certificate", description: "Start of validity (ISO 8601)." },
  notAfter: { type: "string", description: "End of validity (ISO 8601), as Atlas lists it." },
  sha256Fingerprint: {
    type: "string",
    derived: "certificate",
    description: "SHA-256 fingerprint of the certificate (hex, colon-separated).",
  },
} as const satisfies PropertyTable<keyof (ManagedX509CertificateOutputs & ManagedX509CertificateDerived)>;

const storedOutputKeys = storedNames(managedCertificateProperties);
export const defaultMonthsUntilExpiration = 3;
const replacingInputs = replacingNames(managedCertificateProperties) as (keyof ManagedX509CertificateInputs)[];
const dayMs = 24 * 60 * 60 * 1000;
/** The shortest month: a renewal window must fit inside any validity of that many months. */
const minDaysPerMonth = 28;

// ---------------------------------------------------------------------------------------------------------------
// Pure mapping between inputs, Atlas and state

export function checkManagedCertificateInputs(news: Record<string, unknown>): {
  inputs: ManagedX509CertificateInputs;
  failures: CheckFailure[];
} {
  const failures: CheckFailure[] = [];
  checkProjectId(news.projectId, failures);
  checkUsername(news.username, failures);
  const months = news.monthsUntilExpiration ?? defaultMonthsUntilExpiration;
  checkInteger("monthsUntilExpiration", months, { min: 1, max: 24 }, failures);
  if (news.renewBeforeDays !== undefined && news.renewBeforeDays !== null) {
    checkInteger("renewBeforeDays", news.renewBeforeDays, { min: 0 }, failures);
    const renew = news.renewBeforeDays;
    if (
      typeof renew === "number" &&
      typeof months === "number" &&
      Number.isInteger(months) &&
      renew >= months * minDaysPerMonth
    ) {
      failures.push({
        property: "renewBeforeDays",
        reason:
          `must be shorter than the certificate's validity: ${months} month(s) is at least ` +
          `${months * minDaysPerMonth} days, so renewBeforeDays must be below that (got ${renew})`,
      });
    }
  }
  const inputs = definedOnly({
    projectId: news.projectId as string,
    username: news.username as string,
    monthsUntilExpiration: months as number,
    renewBeforeDays: news.renewBeforeDays === null ? undefined : (news.renewBeforeDays as number | undefined),
  });
  return { inputs, failures };
}

function checkUsername(value: unknown, failures: CheckFailure[]): void {
  if (isUnknown(value)) return;
  if (typeof value !== "string" || value.trim() === "") {
    failures.push({
      property: "username",
      reason: `must be the name of a MANAGED X.509 database user (got ${describeValue(value)})`,
    });
  } else if (value !== value.trim()) {
    failures.push({ property: "username", reason: "must not begin or end with white space" });
  } else if (value.length > 1024) {
    failures.push({ property: "username", reason: `must be at most 1024 characters (got ${value.length})` });
  } else if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f")) {
    failures.push({ property: "username", reason: "must not contain control characters" });
  } else if (value === "." || value === "..") {
    // URL parsers resolve "." and ".." (escaped or not) as path steps: no API path can name such a user.
    failures.push({ property: "username", reason: `cannot be "${value}": no Atlas API path can name such a user` });
  }
}

/** `<projectId>/<url-encoded username>/<decimal serial>`: identifies the certificate, holds nothing secret. */
export function certificateId(projectId: string, username: string, serialNumber: string): string {
  return `${projectId}/${encodeURIComponent(username)}/${serialNumber}`;
}

export function parseCertificateId(id: string): { projectId: string; username: string; serialNumber: string } {
  const match = /^([0-9a-f]{24})\/([^/]+)\/(\d+)$/.exec(id);
  if (!match) throw new Error(`not a ManagedX509Certificate id: ${JSON.stringify(id)}`);
  return { projectId: match[1], username: decodeURIComponent(match[2]), serialNumber: match[3] };
}

/** The state of a freshly issued certificate: everything comes from the certificate itself. */
export function outputsFromIssuedPem(
  inputs: ManagedX509CertificateInputs,
  pemText: string,
): ManagedX509CertificateOutputs {
  const { certificatePem, privateKeyPem, certificate } = splitCertificateAndKey(pemText);
  const info = describeCertificate(certificate);
  return storedOutputs({
    ...inputs,
    certificatePem,
    privateKeyPem,
    serialNumber: info.serialNumber,
    subject: info.subject,
    notAfter: info.notAfter,
  });
}

/**
 * Exactly the outputs a certificate's state holds. Drops `__provider` and what version 0.1.0 also stored
 * (certificateKeyPem, notBefore, sha256Fingerprint): such a state loses them at its next update or replace.
 */
export function storedOutputs(outs: ManagedX509CertificateOutputs): ManagedX509CertificateOutputs {
  return pick(outs, storedOutputKeys) as unknown as ManagedX509CertificateOutputs;
}

/** The outputs derived from the certificate; undefined before there is one. */
export function certificateFacts(
  certificatePem: string | undefined,
): Pick<ManagedX509CertificateDerived, "notBefore" | "sha256Fingerprint"> | undefined {
  if (!certificatePem) return undefined;
  const { notBefore, sha256Fingerprint } = describeCertificate(parseCertificate(certificatePem));
  return { notBefore, sha256Fingerprint };
}

export function isInRenewalWindow(notAfter: string, renewBeforeDays: number | undefined, now: Date): boolean {
  if (renewBeforeDays === undefined) return false;
  return now.getTime() >= Date.parse(notAfter) - renewBeforeDays * dayMs;
}

export function diffManagedCertificate(
  olds: ManagedX509CertificateOutputs,
  news: ManagedX509CertificateInputs,
  now: Date,
): ResourceDiff {
  const replaces: string[] = replacingInputs.filter((key) => isUnknown(news[key]) || olds[key] !== news[key]);
  const renew = isUnknown(news.renewBeforeDays) ? undefined : news.renewBeforeDays;
  if (replaces.length === 0 && isInRenewalWindow(olds.notAfter, renew, now)) {
    // Named after the output that triggers it, so the preview says why it rotates.
    replaces.push("notAfter");
  }
  const diffs = olds.renewBeforeDays !== news.renewBeforeDays ? [...replaces, "renewBeforeDays"] : replaces;
  // The successor is issued before the old certificate leaves the stack: no moment without a valid certificate.
  return { changes: diffs.length > 0, replaces, diffs, deleteBeforeReplace: false };
}

/**
 * The state after a refresh: what Atlas lists for the serial, or undefined when Atlas no longer lists it. Every
 * other stored output stays as it was, also those an older version stored: a refresh shows them as no drift.
 */
export function refreshFromListing(
  olds: ManagedX509CertificateOutputs,
  listed: readonly UserCert[],
): ManagedX509CertificateOutputs | undefined {
  const current = listed.find((cert) => cert.serialNumber === olds.serialNumber);
  if (!current) return undefined;
  return { ...olds, notAfter: new Date(current.notAfter).toISOString(), subject: current.subject };
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

/** How long one user's listing serves the reads of one refresh (the plugin process is shared by all resources). */
const listingTtlMs = 30_000;

export class ManagedX509CertificateProvider implements pulumi.dynamic.ResourceProvider<
  ManagedX509CertificateInputs,
  ManagedX509CertificateOutputs
> {
  private readonly listings = new Map<string, { at: number; certs: Promise<UserCert[]> }>();

  constructor(private readonly context: ProviderContext) {}

  async check(_olds: unknown, news: object): Promise<pulumi.dynamic.CheckResult<ManagedX509CertificateInputs>> {
    const { inputs, failures } = checkManagedCertificateInputs(news as Record<string, unknown>);
    failures.push(...this.context.problems.map((p) => ({ property: p.key, reason: p.reason })));
    return { inputs, failures };
  }

  async diff(_id: string, olds: ManagedX509CertificateOutputs, news: ManagedX509CertificateInputs) {
    const result = diffManagedCertificate(olds, news, this.context.now());
    // The engine shows no reason for a replace that no input explains; say it, in the preview as in the update.
    if (result.replaces?.includes("notAfter")) {
      await this.context.warn(
        `ManagedX509Certificate for database user "${olds.username}" (serial ${olds.serialNumber}) expires on ` +
          `${olds.notAfter}, within renewBeforeDays (${news.renewBeforeDays}): it is replaced by a new certificate.`,
      );
    }
    return result;
  }

  async create(
    inputs: ManagedX509CertificateInputs,
  ): Promise<pulumi.dynamic.CreateResult<ManagedX509CertificateOutputs>> {
    const { projectId, username, monthsUntilExpiration } = inputs;
    const pemText = await this.context.client().createUserCert(projectId, username, monthsUntilExpiration);
    this.listings.delete(listingKey(projectId, username));
    let outs: ManagedX509CertificateOutputs;
    try {
      outs = outputsFromIssuedPem(inputs, pemText);
    } catch (err) {
      throw new Error(
        `Atlas issued a certificate for ${username} in project ${projectId}, but its answer is unusable ` +
          `(${(err as Error).message}). It stays valid until it expires; pulumi up will request a new one.`,
      );
    }
    return { id: certificateId(projectId, username, outs.serialNumber), outs };
  }

  async read(
    id: string,
    props?: ManagedX509CertificateOutputs,
  ): Promise<pulumi.dynamic.ReadResult<ManagedX509CertificateOutputs>> {
    if (!props?.serialNumber) {
      throw new Error(
        `ManagedX509Certificate ${id} cannot be imported or read without its state: Atlas never returns the private ` +
          "key of an existing certificate, so no stack could hold it. Declare the resource instead, and let " +
          "pulumi up issue a new certificate (the existing one stays valid until it expires).",
      );
    }
    const { projectId, username } = props;
    let refreshed: ManagedX509CertificateOutputs | undefined;
    try {
      refreshed = refreshFromListing(props, await this.listCertificates(projectId, username, false));
      // A listing is unexpired certificates only, page by page; a page boundary can move while we read. Before
      // declaring a certificate that should still be valid gone, look once more with a fresh listing.
      if (!refreshed && Date.parse(props.notAfter) > this.context.now().getTime()) {
        refreshed = refreshFromListing(props, await this.listCertificates(projectId, username, true));
      }
    } catch (err) {
      // Gone only when Atlas says the user or project does not exist; any other failure keeps the state.
      if (isAtlasNotFound(err)) return {};
      throw err;
    }
    return refreshed ? { id, props: refreshed } : {};
  }

  async update(
    _id: string,
    olds: ManagedX509CertificateOutputs,
    news: ManagedX509CertificateInputs,
  ): Promise<pulumi.dynamic.UpdateResult<ManagedX509CertificateOutputs>> {
    return { outs: storedOutputs({ ...olds, renewBeforeDays: news.renewBeforeDays }) };
  }

  async delete(_id: string, props: ManagedX509CertificateOutputs): Promise<void> {
    await this.context.warn(
      `ManagedX509Certificate for database user "${props.username}" (serial ${props.serialNumber}, project ` +
        `${props.projectId}) was removed from the stack, but Atlas cannot revoke a certificate: it stays valid ` +
        `until ${props.notAfter}. To cut access now, delete the database user or change its x509Type.`,
    );
  }

  private listCertificates(projectId: string, username: string, fresh: boolean): Promise<UserCert[]> {
    const key = listingKey(projectId, username);
    const cached = this.listings.get(key);
    const now = Date.now();
    if (!fresh && cached && now - cached.at < listingTtlMs) return cached.certs;
    const certs = this.context.client().listUserCerts(projectId, username);
    this.listings.set(key, { at: now, certs });
    certs.catch(() => this.listings.delete(key));
    return certs;
  }
}

function listingKey(projectId: string, username: string): string {
  return `${projectId}/${username}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The resource

/**
 * The outputs a program derives from the stored ones instead of storing them beside them: the state stays lighter,
 * and a state that still holds them (version 0.1.0) is read the same way, since the engine only resolves declared
 * keys. A state without a certificate (none yet) gives undefined, as a missing stored output did.
 */
export function derivedCertificateOutputs(
  certificatePem: pulumi.Output<string>,
  privateKeyPem: pulumi.Output<string>,
): { [K in keyof ManagedX509CertificateDerived]: pulumi.Output<string> } {
  const pems = pulumi.all([certificatePem, privateKeyPem]);
  const facts = certificatePem.apply(certificateFacts);
  return {
    certificateKeyPem: pulumi.secret(pems.apply(([cert, key]) => (cert && key ? cert + key : undefined) as string)),
    notBefore: facts.apply((f) => f?.notBefore as string),
    sha256Fingerprint: facts.apply((f) => f?.sha256Fingerprint as string),
  };
}

export class ManagedX509Certificate extends pulumi.dynamic.Resource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly username: pulumi.Output<string>;
  declare readonly monthsUntilExpiration: pulumi.Output<number>;
  declare readonly renewBeforeDays: pulumi.Output<number | undefined>;
  declare readonly certificatePem: pulumi.Output<string>;
  /** Secret. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  /** Secret: certificate followed by private key. Derived here, not stored in the state. */
  readonly certificateKeyPem: pulumi.Output<string>;
  declare readonly serialNumber: pulumi.Output<string>;
  declare readonly subject: pulumi.Output<string>;
  /** From certificatePem, not stored in the state. */
  readonly notBefore: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;
  /** From certificatePem, not stored in the state. */
  readonly sha256Fingerprint: pulumi.Output<string>;

  constructor(name: string, args: ManagedX509CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    // The engine exposes only the keys present here as outputs: the stored outputs start as undefined.
    const props = {
      ...args,
      ...Object.fromEntries(outputOnlyNames(managedCertificateProperties).map((k) => [k, undefined])),
    };
    const secrets = secretNames(managedCertificateProperties);
    const additionalSecretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])];
    // managedShim is the provider: the engine runs it in the dynamic-provider plugin, where it delegates every call
    // to ManagedX509CertificateProvider. "atlas" and the class name make the type token
    // pulumi-nodejs:dynamic/atlas:ManagedX509Certificate, which previews show and states record.
    super(managedShim, name, props, { ...opts, additionalSecretOutputs }, "atlas", "ManagedX509Certificate");
    const derived = derivedCertificateOutputs(this.certificatePem, this.privateKeyPem);
    this.certificateKeyPem = derived.certificateKeyPem;
    this.notBefore = derived.notBefore;
    this.sha256Fingerprint = derived.sha256Fingerprint;
  }
}

// Every declared output has a table entry, and every table entry is declared.
true satisfies SameNames<DeclaredOutputs<ManagedX509Certificate>, keyof typeof managedCertificateProperties>;
// The arguments are the table's arguments.
true satisfies SameNames<keyof ManagedX509CertificateArgs, InputNames<typeof managedCertificateProperties>>;
