// Project userSecurity: customer (self-managed) X.509 CAs and LDAP share one resource. PATCH changes only the
// parts its body names and answers 202 with the whole resource; DELETE .../customerX509 clears the CAs only;
// DELETE .../ldap/userToDNMapping removes the mapping only. Bodies as recorded from Atlas: `customerX509` and `ldap`
// and nothing else (no `links`), `customerX509` is {} while no CA is set, ldap keys in A-Z order, and an LDAP field
// set to "" is removed rather than echoed. `cas` is stored exactly as sent; LDAP's bindPassword is write-only.
import { X509Certificate } from "node:crypto";
import type { ApiResponse } from "../../http/io";
import type { ApiContext } from "../context";
import { atlasErrors } from "../errors";

const LDAP_FIELDS = [
  "authenticationEnabled",
  "authorizationEnabled",
  "authzQueryTemplate",
  "bindPassword",
  "bindUsername",
  "caCertificate",
  "hostname",
  "port",
  "userToDNMapping",
] as const;
const WRITE_ONLY_LDAP_FIELDS = new Set(["bindPassword"]);

export function getUserSecurity(ctx: ApiContext): ApiResponse {
  return ctx.json(200, renderUserSecurity(ctx));
}

export function updateUserSecurity(ctx: ApiContext): ApiResponse {
  const body = ctx.jsonObject();
  // Validate everything first so a bad half of the body changes nothing.
  const cas = "customerX509" in body ? validateCustomerX509(body.customerX509, ctx.services.clock.now()) : undefined;
  const ldap = "ldap" in body ? validateLdap(body.ldap) : undefined;
  if (cas !== undefined) ctx.project.customerX509Cas = cas;
  if (ldap !== undefined) {
    const merged: Record<string, unknown> = { ...ctx.project.ldap, ...ldap };
    // "" clears a field (the spec says so of caCertificate; the recordings never echo an empty string).
    for (const [key, value] of Object.entries(merged)) if (value === "") delete merged[key];
    ctx.project.ldap = merged;
  }
  return ctx.json(202, renderUserSecurity(ctx));
}

export function disableCustomerX509(ctx: ApiContext): ApiResponse {
  ctx.project.customerX509Cas = null;
  return ctx.json(202, renderUserSecurity(ctx));
}

/** As recorded: 202 with the whole resource, the ldap section without userToDNMapping. */
export function deleteUserToDnMapping(ctx: ApiContext): ApiResponse {
  const ldap = { ...ctx.project.ldap };
  delete ldap.userToDNMapping;
  ctx.project.ldap = ldap;
  return ctx.json(202, renderUserSecurity(ctx));
}

function renderUserSecurity(ctx: ApiContext): Record<string, unknown> {
  const ldap: Record<string, unknown> = {};
  for (const key of Object.keys(ctx.project.ldap).sort()) {
    const value = ctx.project.ldap[key];
    if (!WRITE_ONLY_LDAP_FIELDS.has(key) && value !== "" && value !== undefined && value !== null) ldap[key] = value;
  }
  const cas = ctx.project.customerX509Cas;
  return { customerX509: cas === null ? {} : { cas }, ldap };
}

/** Non-empty, every PEM block a parsable certificate, none expired (per the emulator clock). */
function validateCustomerX509(value: unknown, now: Date): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw atlasErrors.invalidAttribute("customerX509");
  }
  const cas = (value as Record<string, unknown>).cas;
  if (typeof cas !== "string" || cas.trim() === "") throw atlasErrors.invalidAttribute("customerX509.cas");
  const blocks = cas.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw atlasErrors.invalidAttribute("customerX509.cas");
  const certificates = blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw atlasErrors.invalidAttribute("customerX509.cas");
    }
  });
  if (certificates.some((cert) => new Date(cert.validTo).getTime() < now.getTime())) {
    throw atlasErrors.expiredCaCertificate();
  }
  return cas;
}

/** Known LDAP fields only, loosely typed-checked; unknown ones (e.g. echoed `links`) are dropped. */
function validateLdap(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw atlasErrors.invalidAttribute("ldap");
  const input = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const field of LDAP_FIELDS) {
    const v = input[field];
    if (v === undefined) continue;
    const ok =
      field === "authenticationEnabled" || field === "authorizationEnabled"
        ? typeof v === "boolean"
        : field === "port"
          ? Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536
          : field === "userToDNMapping"
            ? Array.isArray(v) && v.every(isMapping)
            : typeof v === "string";
    if (!ok) throw atlasErrors.invalidAttribute(`ldap.${field}`);
    result[field] = field === "userToDNMapping" ? (v as Mapping[]).map(normalizeMapping) : v;
  }
  return result;
}

interface Mapping {
  match: string;
  substitution?: string;
  ldapQuery?: string;
}

function isMapping(value: unknown): value is Mapping {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const { match, substitution, ldapQuery } = value as Record<string, unknown>;
  const optional = (v: unknown) => v === undefined || typeof v === "string";
  return typeof match === "string" && match !== "" && optional(substitution) && optional(ldapQuery);
}

/** Known keys only, A-Z, empty strings dropped (as Atlas answers them). */
function normalizeMapping(mapping: Mapping): Mapping {
  return {
    ...(mapping.ldapQuery ? { ldapQuery: mapping.ldapQuery } : {}),
    match: mapping.match,
    ...(mapping.substitution ? { substitution: mapping.substitution } : {}),
  };
}
