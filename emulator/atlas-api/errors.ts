// Atlas's error body (`ApiError`): {detail, error, errorCode, parameters, reason}. Handlers throw these and the
// pipeline turns them into `application/json` responses on both API versions.
import { STATUS_CODES } from "node:http";
import { ATLAS_V2_MEDIA_TYPE } from "./versions";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly parameters: unknown[] = [],
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${errorCode}: ${detail}`);
  }

  /** The 401 body as recorded (2026-08): these four keys in this order, no parameters. */
  unauthorizedBody(): Record<string, string | number> {
    return {
      error: this.status,
      reason: STATUS_CODES[this.status] ?? "Unknown",
      detail: this.detail,
      errorCode: this.errorCode,
    };
  }

  body(): Record<string, unknown> {
    return {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: STATUS_CODES[this.status] ?? "Unknown",
    };
  }
}

/** The default errorCode for an injected fault status that names none. */
export function defaultErrorCode(status: number): string {
  const known: Record<number, string> = {
    400: "VALIDATION_ERROR",
    401: "USER_UNAUTHORIZED",
    403: "ACCESS_FORBIDDEN",
    404: "RESOURCE_NOT_FOUND",
    409: "CONFLICT",
    429: "RATE_LIMITED",
    500: "UNEXPECTED_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
  };
  return known[status] ?? "UNEXPECTED_ERROR";
}

// Detail texts follow Atlas's wording where it is known (Atlas's error-code page,
// https://www.mongodb.com/docs/atlas/reference/api-errors/); the rest are plausible guesses.
export const atlasErrors = {
  // Recorded (err-401-digest-post-databaseusers): a failed or missing digest answers UNEXPECTED_ERROR.
  unauthorized: () => new ApiError(401, "UNEXPECTED_ERROR", "You are not authorized for this resource."),
  invalidVersion: (accept: string) =>
    new ApiError(
      406,
      "INVALID_VERSION_DATE",
      `The version ${JSON.stringify(accept)} in the Accept header is not valid for this resource. ` +
        `Use Accept: ${ATLAS_V2_MEDIA_TYPE}.`,
      [accept],
    ),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", `Unsupported Content-Type ${JSON.stringify(contentType)}.`, [
      contentType,
    ]),
  malformedJson: () => new ApiError(400, "MALFORMED_JSON", "Received JSON is malformed."),
  missingBody: () => new ApiError(400, "MALFORMED_JSON", "Received JSON is malformed: the request body is empty."),
  resourceNotFound: (path: string) => new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${path}.`, [path]),
  methodNotAllowed: (method: string, path: string) =>
    new ApiError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${path}.`, [method, path]),
  // Atlas's error-code page lists INVALID_GROUP_ID under 404; the detail text is a guess.
  invalidGroupId: (groupId: string) =>
    new ApiError(404, "INVALID_GROUP_ID", `The specified group ID ${groupId} is invalid.`, [groupId]),
  groupNotFound: (groupId: string) =>
    new ApiError(404, "GROUP_NOT_FOUND", `No group with ID ${groupId} exists.`, [groupId]),
  usernameNotFound: (username: string) =>
    new ApiError(404, "USERNAME_NOT_FOUND", `No user with username ${username} exists.`, [username]),
  userAlreadyExists: () => new ApiError(409, "USER_ALREADY_EXISTS", "The specified user already exists."),
  authTypeCannotBeChanged: () =>
    new ApiError(
      409,
      "AUTH_TYPE_CANNOT_BE_CHANGED",
      "Cannot modify the authentication type of an existing database user.",
    ),
  usernameCannotBeChanged: () =>
    new ApiError(
      409,
      "DATABASE_USERNAME_CANNOT_BE_CHANGED",
      "Cannot modify the username of an existing database user.",
    ),
  databaseNameCannotBeChanged: () =>
    new ApiError(
      409,
      "DATABASE_NAME_CANNOT_BE_CHANGED",
      "Cannot modify the database name of an existing database user.",
    ),
  databaseNameInvalidExternal: () =>
    new ApiError(
      400,
      "DATABASE_NAME_INVALID_EXTERNAL",
      "Users authenticated with X.509, AWS IAM, LDAP or OIDC workload identities must use the $external database.",
    ),
  x509UserCannotUseScram: () =>
    new ApiError(400, "ATLAS_X509_USER_CANNOT_USE_SCRAM", "X.509 database users cannot have a password."),
  x509UserCannotBeTemporary: () =>
    new ApiError(400, "ATLAS_X509_USER_CANNOT_BE_TEMPORARY", "X.509 database users cannot be temporary."),
  missingAttribute: (name: string) =>
    new ApiError(400, "MISSING_ATTRIBUTE", `The required attribute ${name} was not specified.`, [name]),
  invalidAttribute: (name: string) =>
    new ApiError(400, "INVALID_ATTRIBUTE", `Invalid attribute ${name} specified.`, [name]),
  invalidEnumValue: (value: unknown, name: string) =>
    new ApiError(400, "INVALID_ENUM_VALUE", `An invalid enumeration value ${String(value)} was specified.`, [
      String(value),
      name,
    ]),
  invalidQueryParameter: (name: string, value: string) =>
    new ApiError(400, "INVALID_QUERY_PARAMETER", `Invalid query parameter ${name} value ${value} specified.`, [
      name,
      value,
    ]),
  certExpiryTooLong: () =>
    new ApiError(
      400,
      "CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS",
      "The certificate expiration cannot be more than 24 months in the future.",
    ),
  userNotManagedX509: (username: string) =>
    new ApiError(400, "USER_NOT_MANAGED_X509", `The user ${username} does not have managed mode X509 enabled.`, [
      username,
    ]),
  advancedX509Enabled: () =>
    new ApiError(
      400,
      "CANNOT_GENERATE_CERT_IF_ADVANCED_X509",
      "Cannot generate certificates while self-managed (advanced) X.509 authentication is enabled for this project.",
    ),
  certsLimitExceeded: (username: string) =>
    new ApiError(
      400,
      "ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED",
      `The limit on generated certificates per user has been reached for ${username}.`,
      [username],
    ),
  expiredCaCertificate: () =>
    new ApiError(400, "EXPIRED_X509_CA_CERTIFICATE", "One or more of the provided X.509 CA certificates is expired."),
  // The sample 429 of Atlas's rate-limit page (https://www.mongodb.com/docs/atlas/api/api-rate-limit): errorCode,
  // detail wording and parameters [path, retryAfter, capacity, refillRate, refillSeconds].
  rateLimited: (path: string, retryAfterSeconds: number, capacity: number, refillRate: number, refillSeconds: number) =>
    new ApiError(
      429,
      "RATE_LIMITED_TOKEN_BUCKET",
      `Rate limit exceeded for ${path}. Please retry after ${retryAfterSeconds} seconds. ` +
        `Request capacity: ${capacity}. Refill rate: ${refillRate} per ${refillSeconds} seconds.`,
      [path, retryAfterSeconds, capacity, refillRate, refillSeconds],
      { "Retry-After": String(retryAfterSeconds) },
    ),
};
