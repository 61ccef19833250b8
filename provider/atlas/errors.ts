// The one error type of the Atlas client. Its message is a single readable line built only from the method, the
// path (never a query string or credentials), Atlas's errorCode and a sanitised detail, plus a hint for the errors
// users actually hit. Response bodies pass through `sanitizeText` before they reach any field.
import { isJsonObject, parseJson } from "./json";

/** "timeout": an attempt's requestTimeoutSeconds, or the operation's customTimeouts; "cancelled": the engine's Cancel. */
export type AtlasErrorKind = "http" | "network" | "timeout" | "cancelled";
export type AtlasAuthKind = "digest" | "serviceAccount";

export interface AtlasApiErrorInit {
  kind: AtlasErrorKind;
  method: string;
  /** URL path without query string, e.g. /api/atlas/v2/groups/<id>/userSecurity */
  path: string;
  /** HTTP status; undefined for network failures and timeouts. */
  status?: number;
  errorCode?: string;
  detail?: string;
  hint?: string;
  /** Attempts made, retries included. */
  attempts: number;
  /** True when the request may have been carried out although it failed (5xx, network or timeout on a POST). */
  outcomeUnknown?: boolean;
  /** The underlying network error, for kind "network" and "timeout"; the stop reason, for "cancelled". */
  cause?: unknown;
}

export class AtlasApiError extends Error {
  static {
    // On the prototype, not a class field: the stack header then reads "AtlasApiError: ..." too.
    this.prototype.name = "AtlasApiError";
  }

  readonly kind: AtlasErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly attempts: number;
  readonly outcomeUnknown: boolean;
  readonly #init: AtlasApiErrorInit;

  constructor(init: AtlasApiErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.#init = init;
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.detail = init.detail;
    this.hint = init.hint;
    this.attempts = init.attempts;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** The same error with another attempt count (the retry loop knows the final one). */
  withAttempts(attempts: number): AtlasApiError {
    return new AtlasApiError({ ...this.#init, attempts });
  }

  /** The fields a caller may need, for structured logs and JSON.stringify (the cause is left out). */
  toJSON(): Omit<AtlasApiErrorInit, "cause"> & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      method: this.method,
      path: this.path,
      status: this.status,
      errorCode: this.errorCode,
      detail: this.detail,
      hint: this.hint,
      attempts: this.attempts,
      outcomeUnknown: this.outcomeUnknown,
    };
  }
}

function formatMessage(init: AtlasApiErrorInit): string {
  let what: string;
  if (init.kind === "http") {
    const code = [init.status, init.errorCode].filter((part) => part !== undefined).join(" ");
    what = [code, init.detail].filter(Boolean).join(": ");
  } else if (init.kind === "timeout") {
    what = `timed out${init.detail ? ` (${init.detail})` : ""}`;
  } else if (init.kind === "cancelled") {
    what = `cancelled${init.detail ? ` (${init.detail})` : ""}`;
  } else {
    what = `network error${init.detail ? ` (${init.detail})` : ""}`;
  }
  const attempts = init.attempts > 1 ? ` [${init.attempts} attempts]` : "";
  const sentence = `Atlas API ${init.method} ${init.path} failed: ${what}${attempts}`.replace(/\.$/, "");
  return init.hint ? `${sentence}. Hint: ${init.hint}` : `${sentence}.`;
}

// ---- "does not exist" ---------------------------------------------------------------------------------------

/** An Atlas errorCode saying that something does not exist: GROUP_NOT_FOUND, USERNAME_NOT_FOUND, USER_NOT_FOUND... */
const NOT_FOUND_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_NOT_FOUND$/;
/**
 * Atlas's answer to a route it does not know ("Cannot find resource /api/atlas/..."): a base URL with a wrong path,
 * or an API that moved. It says nothing about the project or user, so it never makes a resource gone.
 */
const UNKNOWN_ROUTE_CODE = "RESOURCE_NOT_FOUND";

/**
 * True only when Atlas itself said that the project, user or configuration does not exist: a 404 whose body is an
 * Atlas error carrying an errorCode that ends in `_NOT_FOUND`. A 404 without such a body (a proxy, a wrong base
 * URL), any other status, a timeout or a network error is not an answer about the resource: a refresh that sees
 * one must fail and keep the state, never drop it.
 */
export function isAtlasNotFound(error: unknown): error is AtlasApiError {
  return (
    error instanceof AtlasApiError &&
    error.kind === "http" &&
    error.status === 404 &&
    error.errorCode !== undefined &&
    error.errorCode !== UNKNOWN_ROUTE_CODE &&
    NOT_FOUND_CODE.test(error.errorCode)
  );
}

// ---- hints ---------------------------------------------------------------------------------------------------

const ACCESS_LIST_HINT =
  "add this machine's public IP address to the API access list of the API key or service account " +
  "(Organization Access Manager > Applications), or ask an organization owner to do so.";

const CODE_HINTS: Readonly<Record<string, string>> = {
  USER_NOT_MANAGED_X509:
    "Atlas issues certificates only for users with x509Type MANAGED: create the database user in $external " +
    "with x509Type MANAGED first.",
  CANNOT_GENERATE_CERT_IF_ADVANCED_X509:
    "the project has a customer CA (self-managed X.509, CustomerX509Config); Atlas-managed certificates " +
    "cannot be issued while it is enabled. Use a project without a customer CA, or disable it.",
  EXPIRED_X509_CA_CERTIFICATE:
    "a certificate in the CA bundle has expired; remove it or replace it with a renewed CA certificate.",
  USERNAME_NOT_FOUND:
    "no database user with this name exists in the project; X.509 users live in the $external database.",
  CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS: "monthsUntilExpiration must be between 1 and 24.",
  ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED:
    "Atlas caps the number of unexpired certificates it generates per user and cannot revoke them; wait until " +
    "older ones expire (GET .../certs lists them) or use another username.",
  GROUP_NOT_FOUND:
    "check the project id (24 hexadecimal characters) and that the credentials belong to the project's organization.",
  INVALID_GROUP_ID: "the project id must be 24 hexadecimal characters.",
  IP_ADDRESS_NOT_ON_ACCESS_LIST: ACCESS_LIST_HINT,
  ORG_REQUIRES_ACCESS_LIST: ACCESS_LIST_HINT,
  RESOURCE_REQUIRES_ACCESS_LIST: ACCESS_LIST_HINT,
  IP_ADDRESS_NOT_ON_WHITELIST: ACCESS_LIST_HINT,
  ORG_REQUIRES_WHITELIST: ACCESS_LIST_HINT,
  RESOURCE_REQUIRES_WHITELIST: ACCESS_LIST_HINT,
};

/** For POST .../certs failing after Atlas may have acted: never retried, and the user must know why. */
export const LOST_KEY_HINT =
  "Atlas may have issued a certificate before the failure, but its private key never arrived and is lost. " +
  "Such a certificate stays valid until it expires and is listed by GET .../certs; without its key nobody can use " +
  "it. The request was not retried so that no second certificate is minted; re-running is safe.";

const RATE_LIMIT_HINT =
  "Atlas rate-limited the request and the retries ran out; wait a minute, then run again with less parallelism.";

/** A hint for the errors users hit; undefined when there is nothing useful to add. */
export function hintFor(
  status: number | undefined,
  errorCode: string | undefined,
  auth?: AtlasAuthKind,
): string | undefined {
  const byCode = errorCode === undefined ? undefined : CODE_HINTS[errorCode];
  if (byCode !== undefined) return byCode;
  if (status === 429 || errorCode?.startsWith("RATE_LIMITED")) return RATE_LIMIT_HINT;
  if (status === 401) {
    const what =
      auth === "serviceAccount"
        ? "the service account's client id and secret"
        : auth === "digest"
          ? "the API key pair (public and private key)"
          : "the API key pair or the service account's client id and secret";
    return `check ${what}, and that they belong to the organization that owns the project.`;
  }
  if (status === 403) {
    return (
      "the credentials lack a role this operation needs (Project Owner for certificates and userSecurity), or " +
      ACCESS_LIST_HINT
    );
  }
  return undefined;
}

// ---- bodies and redaction -----------------------------------------------------------------------------------

const MAX_DETAIL = 200;

// Anything that could be key material or a credential. Applied to every text taken from a response or a network
// error, before truncation (so a PEM cut in half is still recognised by its BEGIN line).
const REDACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]*-----[\s\S]*?(?:-----END [A-Z0-9 ]*-----|$)/g, "[REDACTED PEM]"],
  [/-----BEGIN[\s\S]*$/g, "[REDACTED PEM]"],
  [/\b(Bearer|Basic|Digest)\s+[^\r\n]*/gi, "$1 [REDACTED]"],
  [
    /("?(?:access_token|refresh_token|id_token|client_secret|private_?key|privateKey|password|secret|token)"?\s*[:=]\s*)("[^"]*"|[^\s,&}]+)/gi,
    '$1"[REDACTED]"',
  ],
  [/\beyJ[\w-]{4,}\.[\w-]+\.?[\w-]*/g, "[REDACTED TOKEN]"],
  [/\bmdb_sa_(?:id|sk)_\w+/g, "[REDACTED]"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "[REDACTED]"],
  [/\b[A-Za-z0-9_-]{40,}/g, "[REDACTED]"],
];

/** Redacts anything that looks like key material, tokens or credentials; makes it one line; caps its length. */
export function sanitizeText(text: string, max = MAX_DETAIL): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** Atlas's ApiError fields (or an OAuth error) from an error response body, sanitised; raw text otherwise. */
export function describeErrorBody(text: string): { errorCode?: string; detail?: string } {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    const detail = sanitizeText(text);
    return detail ? { detail } : {};
  }
  if (!isJsonObject(body)) return text.trim() ? { detail: sanitizeText(text) } : {};
  const code = firstString(body.errorCode, body.error);
  const detail = firstString(body.detail, body.error_description, body.reason);
  return {
    ...(code !== undefined && { errorCode: sanitizeText(code, 80) }),
    ...(detail !== undefined && { detail: sanitizeText(detail) }),
  };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === "string" && value.length > 0);
}

/**
 * A one-line description of a failed fetch. undici rejects with TypeError("fetch failed") and puts the useful
 * part ("connect ECONNREFUSED 127.0.0.1:443", "other side closed") in `cause`, as octokit's fetch-wrapper notes.
 */
export function describeNetworkError(error: unknown): string {
  const { name, message, cause } = errorFields(error);
  if (message === undefined) return sanitizeText(String(error));
  if (name !== "TypeError" || cause === undefined) return sanitizeText(message);
  if (typeof cause === "string") return sanitizeText(cause);
  const inner = errorFields(cause);
  if (inner.message === undefined) return sanitizeText(message);
  const code = inner.code;
  return sanitizeText(
    typeof code === "string" && !inner.message.includes(code) ? `${code}: ${inner.message}` : inner.message,
  );
}

/** The name of an error-like value. Not instanceof: errors from fetch may come from another realm. */
export function errorName(error: unknown): string | undefined {
  return errorFields(error).name;
}

function errorFields(error: unknown): { name?: string; message?: string; code?: unknown; cause?: unknown } {
  if (typeof error !== "object" || error === null) return {};
  const { name, message, code, cause } = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    cause?: unknown;
  };
  return {
    ...(typeof name === "string" && { name }),
    ...(typeof message === "string" && { message }),
    code,
    cause,
  };
}
