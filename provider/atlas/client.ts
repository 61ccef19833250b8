// The Atlas Admin API operations this provider needs, on top of transport.ts. Every variable path segment goes
// through `pathSegment`; every response is checked before it is turned into a typed value.
import type { AtlasAuth } from "./auth";
import { AtlasApiError, LOST_KEY_HINT } from "./errors";
import { integerString, isJsonObject, parseJson, type JsonObject } from "./json";
import { resolveRetryPolicy, sleep, type RetryPolicy } from "./retry";
import { Transport, type ApiRequest, type ApiResponse, type AtlasApiVersion, type AtlasLogger } from "./transport";
import { defaultUserAgent } from "./version";

export type { AtlasApiVersion, AtlasLogger } from "./transport";

export const DEFAULT_BASE_URL = "https://cloud.mongodb.com";
export const GOVERNMENT_BASE_URL = "https://cloud.mongodbgov.com";
/** Largest page Atlas serves. */
export const ITEMS_PER_PAGE = 500;

export interface AtlasClientOptions {
  /** Default https://cloud.mongodb.com; Atlas for Government: https://cloud.mongodbgov.com */
  baseUrl?: string;
  /** Default "v2" (Accept: application/vnd.atlas.2023-01-01+json); "v1.0" is the deprecated API. */
  apiVersion?: AtlasApiVersion;
  auth: AtlasAuth;
  /** Timeout of one attempt (auth exchange and body included). Default 30000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Base fetch for auth steps created without their own; for tests. */
  fetch?: typeof fetch;
  logger?: AtlasLogger;
  /** Product token(s) put in front of the default User-Agent "pulumi-atlas-x509/<version> node/<version>". */
  userAgent?: string;
  /** How the retry loop waits; for tests. Must reject at once when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Aborts every request of this client, retry waits included (the provider plugin's Cancel). A deadline of one
   * operation comes through withOperationSignal (abort.ts) instead: the client is shared by all operations.
   */
  signal?: AbortSignal;
  /** A list that has not ended after this many pages is an error. Default 200 (100,000 items). */
  maxListPages?: number;
}

export interface UserCert {
  /** Decimal serial number (Atlas's `_id`), exact: it exceeds 2^53. */
  serialNumber: string;
  createdAt: string;
  notAfter: string;
  subject: string;
  groupId: string;
}

export interface UserSecurity {
  customerX509?: { cas?: string };
  ldap?: Record<string, unknown>;
}

/** A path segment, percent-encoded. Rejects values a URL parser would drop or resolve ("", ".", ".."). */
export function pathSegment(name: string, value: string): string {
  if (typeof value !== "string" || value === "" || value === "." || value === "..") {
    throw new TypeError(`[pulumi-atlas-x509] ${name} must be a non-empty string other than "." and ".."`);
  }
  return encodeURIComponent(value);
}

export class AtlasClient {
  readonly #transport: Transport;
  readonly #maxListPages: number;

  constructor(options: AtlasClientOptions) {
    const userAgent = [options.userAgent, defaultUserAgent()].filter(Boolean).join(" ");
    this.#transport = new Transport({
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      apiVersion: options.apiVersion ?? "v2",
      auth: options.auth,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: resolveRetryPolicy(options.retry),
      userAgent,
      sleep: options.sleep ?? sleep,
      fetch: options.fetch,
      logger: options.logger,
      signal: options.signal,
    });
    this.#maxListPages = options.maxListPages ?? 200;
  }

  /**
   * Every unexpired Atlas-managed certificate of the user, all pages, each serial once.
   *
   * Paging is by offset, so a certificate expiring (or being issued) while the pages are read shifts the later
   * pages and one entry per page boundary can be skipped. A list of one page is a consistent snapshot; a longer
   * one is therefore read twice and the two reads are merged, which finds every certificate that stayed valid
   * throughout (a certificate that expired meanwhile may still be included).
   */
  async listUserCerts(groupId: string, username: string): Promise<UserCert[]> {
    const path = certsPath(groupId, username);
    const first = await this.#readAllPages(path);
    if (first.pages === 1) return [...first.certs.values()];
    const second = await this.#readAllPages(path);
    return [...new Map([...first.certs, ...second.certs]).values()];
  }

  async #readAllPages(path: string): Promise<{ certs: Map<string, UserCert>; pages: number }> {
    const certs = new Map<string, UserCert>();
    // totalCount is an estimate (and absent with includeCount=false): a short page is the only reliable end.
    for (let pageNum = 1; pageNum <= this.#maxListPages; pageNum++) {
      const query = { itemsPerPage: String(ITEMS_PER_PAGE), pageNum: String(pageNum), includeCount: "false" };
      const request: ApiRequest = { method: "GET", path, query, safety: "idempotent" };
      const response = await this.#transport.send(request);
      const body = this.#json(request, response);
      const results = isJsonObject(body) ? body.results : undefined;
      if (!Array.isArray(results)) throw this.#unexpected(request, response, "it has no results array");
      for (const item of results) {
        const cert = this.#userCert(request, response, item);
        certs.set(cert.serialNumber, cert);
      }
      if (results.length < ITEMS_PER_PAGE) return { certs, pages: pageNum };
    }
    throw this.#unexpected(
      { method: "GET", path, safety: "idempotent" },
      undefined,
      `the list did not end after ${this.#maxListPages} pages of ${ITEMS_PER_PAGE}`,
    );
  }

  /**
   * Issues an Atlas-managed certificate and returns Atlas's raw PEM: the certificate, then its private key. Atlas
   * labels the body JSON, but it is PEM text. Never retried except after 429, so it never mints two certificates.
   */
  async createUserCert(groupId: string, username: string, monthsUntilExpiration: number): Promise<string> {
    const request: ApiRequest = {
      method: "POST",
      path: certsPath(groupId, username),
      body: { monthsUntilExpiration },
      safety: "issuesSecret",
    };
    const response = await this.#transport.send(request);
    const pem = unquotePem(response.text);
    if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
      throw this.#unexpected(request, response, "it is not a PEM certificate and private key", LOST_KEY_HINT);
    }
    return pem;
  }

  async getUserSecurity(groupId: string): Promise<UserSecurity> {
    return this.#userSecurity({
      method: "GET",
      path: `/groups/${pathSegment("groupId", groupId)}/userSecurity`,
      safety: "idempotent",
    });
  }

  /** Sets the project's customer CA bundle. Sends only customerX509, so LDAP settings stay as they are. */
  async setCustomerX509(groupId: string, cas: string): Promise<UserSecurity> {
    return this.#userSecurity({
      method: "PATCH",
      path: `/groups/${pathSegment("groupId", groupId)}/userSecurity`,
      body: { customerX509: { cas } },
      safety: "idempotent",
    });
  }

  /** Clears the customer CA, which disables self-managed X.509 for the project (202, rolling restart). */
  async disableCustomerX509(groupId: string): Promise<UserSecurity> {
    return this.#userSecurity({
      method: "DELETE",
      path: `/groups/${pathSegment("groupId", groupId)}/userSecurity/customerX509`,
      safety: "idempotent",
    });
  }

  // ---- response checks --------------------------------------------------------------------------------------

  async #userSecurity(request: ApiRequest): Promise<UserSecurity> {
    const response = await this.#transport.send(request);
    if (response.text.trim() === "") return {};
    const body = this.#json(request, response);
    if (!isJsonObject(body)) throw this.#unexpected(request, response, "it is not a JSON object");
    const security: UserSecurity = {};
    const customer = body.customerX509;
    if (isJsonObject(customer)) security.customerX509 = typeof customer.cas === "string" ? { cas: customer.cas } : {};
    if (isJsonObject(body.ldap)) security.ldap = body.ldap;
    return security;
  }

  #userCert(request: ApiRequest, response: ApiResponse, item: unknown): UserCert {
    const serialNumber = isJsonObject(item) ? integerString(item._id) : undefined;
    const fields = isJsonObject(item) ? stringFields(item, ["createdAt", "notAfter", "subject", "groupId"]) : undefined;
    if (serialNumber === undefined || fields === undefined) {
      throw this.#unexpected(
        request,
        response,
        "a certificate entry lacks _id, createdAt, notAfter, subject or groupId",
      );
    }
    return { serialNumber, ...fields };
  }

  #json(request: ApiRequest, response: ApiResponse): unknown {
    try {
      return parseJson(response.text);
    } catch {
      const hint = request.safety === "idempotent" ? GARBLED_RESPONSE_HINT : undefined;
      throw this.#unexpected(request, response, "it is not valid JSON", hint);
    }
  }

  /** A 2xx response this client cannot use. Never quotes the body: it may hold key material. */
  #unexpected(request: ApiRequest, response: ApiResponse | undefined, what: string, hint?: string): AtlasApiError {
    return new AtlasApiError({
      kind: "http",
      method: request.method,
      path: this.#transport.apiPath(request.path),
      status: response?.status,
      detail: `unexpected response: ${what}`,
      hint,
      attempts: response?.attempts ?? 1,
      outcomeUnknown: request.safety !== "idempotent",
    });
  }
}

/** A 2xx whose body cannot be read: cut off or garbled on its way. Only said of requests that are safe to repeat. */
const GARBLED_RESPONSE_HINT =
  "the response arrived cut off or garbled (a proxy or a dropped connection?); this request is safe to repeat, " +
  "so run the operation again.";

function certsPath(groupId: string, username: string): string {
  return `/groups/${pathSegment("groupId", groupId)}/databaseUsers/${pathSegment("username", username)}/certs`;
}

function stringFields<K extends string>(object: JsonObject, keys: readonly K[]): Record<K, string> | undefined {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = object[key];
    if (typeof value !== "string") return undefined;
    out[key] = value;
  }
  return out as Record<K, string>;
}

/** The PEM itself; tolerates a JSON-quoted string, which is what the spec (not Atlas) describes. */
function unquotePem(text: string): string {
  if (!text.trimStart().startsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "string" ? value : text;
  } catch {
    return text;
  }
}
