// What the command line (main.ts) and the seed file (seed-file.ts) both check: user specs, project ids and names.
// A mistake in either is a UsageError, which the command reports with exit status 2.
import { PROJECT_ID_PATTERN } from "../state";
import { X509_TYPES, type SeedUser, type X509Type } from "../types";

/** A name for --project and a seed file's projects[].name (printed as ATLAS_PROJECT_ID_<NAME>). */
export const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A mistake in the command line or seed file: reported with a pointer to --help, exit status 2. */
export class UsageError extends Error {}

/** "orders-api:MANAGED", "CN=Jane Doe,O=Corp:CUSTOMER", or a bare name (MANAGED). */
export function parseUserSpec(where: string, spec: string): SeedUser {
  const colon = spec.lastIndexOf(":");
  const suffix = colon === -1 ? "" : spec.slice(colon + 1).toUpperCase();
  if (colon !== -1 && X509_TYPES.includes(suffix as X509Type)) {
    const username = spec.slice(0, colon);
    if (username === "") throw new UsageError(`${where}: the username is empty`);
    return { username, x509Type: suffix as X509Type };
  }
  if (colon !== -1 && /^[A-Za-z]+$/.test(suffix)) {
    throw new UsageError(`${where}: unknown user type ${spec.slice(colon + 1)} (use MANAGED, CUSTOMER or NONE)`);
  }
  if (spec === "") throw new UsageError(`${where}: the username is empty`);
  return { username: spec, x509Type: "MANAGED" };
}

/** A project id from the command line or the seed file; `where` names the flag or the JSON path. */
export function projectId(where: string, value: unknown): string {
  if (typeof value !== "string" || !PROJECT_ID_PATTERN.test(value)) {
    throw new UsageError(`${where} must be 24 lowercase hexadecimal characters, got ${JSON.stringify(value)}`);
  }
  return value;
}
