// Atlas-managed user certificates: GET|POST /groups/{groupId}/databaseUsers/{username}/certs (no $external
// segment). The list holds only unexpired certificates, oldest first, paginated; `_id` is the serial as a bare
// JSON integer above 2^53. POST answers 201 with raw PEM text under a JSON Content-Type (Atlas's quirk).
import { atlasTimestamp } from "../../clock";
import { DEFAULT_CERT_MONTHS } from "../../defaults";
import type { ApiResponse } from "../../http/io";
import type { DatabaseUser } from "../../state";
import type { ApiContext } from "../context";
import { atlasErrors } from "../errors";
import { rawTextResponse } from "../responses";

const MAX_MONTHS = 24;

export async function listUserCerts(ctx: ApiContext): Promise<ApiResponse> {
  const username = ctx.params.username!;
  requireUser(ctx, username);
  const itemsPerPage = integerQuery(ctx, "itemsPerPage", 100, 1, 500);
  const pageNum = integerQuery(ctx, "pageNum", 1, 1, Number.MAX_SAFE_INTEGER);
  const includeCount = booleanQuery(ctx, "includeCount", true);

  const certificates = ctx.project.unexpiredCertificates(username, ctx.services.clock.now());
  const start = (pageNum - 1) * itemsPerPage;
  const page = certificates.slice(start, start + itemsPerPage);
  const pageLink = (rel: string, num: number) => ({
    href: `${ctx.baseUrl}${ctx.rawPath}?includeCount=${includeCount}&pageNum=${num}&itemsPerPage=${itemsPerPage}`,
    rel,
  });
  const links = [pageLink("self", pageNum)];
  if (pageNum > 1) links.push(pageLink("previous", pageNum - 1));
  if (start + itemsPerPage < certificates.length) links.push(pageLink("next", pageNum + 1));

  const response = ctx.json(200, {
    links,
    results: page.map((cert) => ({
      _id: cert.serial,
      createdAt: atlasTimestamp(cert.createdAt),
      groupId: ctx.project.id,
      notAfter: atlasTimestamp(cert.notAfter),
      subject: cert.subject,
    })),
    totalCount: includeCount ? certificates.length : undefined,
  });
  // Churn happens "after the page was served"; doing it before the bytes leave keeps tests deterministic.
  if (ctx.services.listChurn()) await ctx.services.issuer.churn(ctx.project, username);
  return response;
}

export async function createUserCert(ctx: ApiContext): Promise<ApiResponse> {
  const username = ctx.params.username!;
  const months = monthsUntilExpiration(ctx.jsonObject());
  const user = requireUser(ctx, username);
  if (user.x509Type !== "MANAGED") throw atlasErrors.userNotManagedX509(username);
  if (ctx.project.customerX509Cas !== null) throw atlasErrors.advancedX509Enabled();
  const { clock, certsPerUserLimit, issuer } = ctx.services;
  // Count certificates still being generated too, so parallel POSTs cannot overshoot the limit.
  const inFlight = ctx.project.certificatesInFlight.get(username) ?? 0;
  if (ctx.project.unexpiredCertificates(username, clock.now()).length + inFlight >= certsPerUserLimit) {
    throw atlasErrors.certsLimitExceeded(username);
  }
  ctx.project.certificatesInFlight.set(username, inFlight + 1);
  let pem: string;
  try {
    pem = await issuer.issueWithNewKey(ctx.project, username, months);
  } finally {
    ctx.project.certificatesInFlight.set(username, (ctx.project.certificatesInFlight.get(username) ?? 1) - 1);
  }
  return rawTextResponse(ctx.api, 201, pem);
}

function requireUser(ctx: ApiContext, username: string): DatabaseUser {
  const user = ctx.project.findUserByName(username);
  if (!user) throw atlasErrors.usernameNotFound(username);
  return user;
}

/** Default 3, at most 24 (CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS); below 1 or non-integer -> INVALID_ATTRIBUTE (guessed). */
function monthsUntilExpiration(body: Record<string, unknown>): number {
  const value = body.monthsUntilExpiration;
  if (value === undefined || value === null) return DEFAULT_CERT_MONTHS;
  if (typeof value !== "number" || !Number.isInteger(value))
    throw atlasErrors.invalidAttribute("monthsUntilExpiration");
  if (value > MAX_MONTHS) throw atlasErrors.certExpiryTooLong();
  if (value < 1) throw atlasErrors.invalidAttribute("monthsUntilExpiration");
  return value;
}

function integerQuery(ctx: ApiContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.search.get(name);
  if (raw === null) return fallback;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw atlasErrors.invalidQueryParameter(name, raw);
  return value;
}

function booleanQuery(ctx: ApiContext, name: string, fallback: boolean): boolean {
  const raw = ctx.search.get(name);
  if (raw === null) return fallback;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw atlasErrors.invalidQueryParameter(name, raw);
}
