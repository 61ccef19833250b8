// provider/atlas/errors.ts: AtlasApiError's one-line message, hints, error bodies and redaction, and
// isAtlasNotFound, the one test a refresh uses to call a resource gone.
import {
  AtlasApiError,
  describeErrorBody,
  describeNetworkError,
  hintFor,
  isAtlasNotFound,
  sanitizeText,
} from "../../provider/atlas/errors";

const PEM =
  "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQk1\n-----END CERTIFICATE-----\n" +
  "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
const PRIVATE_API_KEY = "3f1c6a52-9d1e-4c7b-8f0a-2b7e5d9c4a11";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZGJfc2FfaWRfMTIzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

describe("AtlasApiError", () => {
  it("reads as one line: method, path, status, errorCode, detail and hint", () => {
    const err = new AtlasApiError({
      kind: "http",
      method: "POST",
      path: "/api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/databaseUsers/app/certs",
      status: 400,
      errorCode: "USER_NOT_MANAGED_X509",
      detail: "The user app does not have managed mode X509 enabled.",
      hint: hintFor(400, "USER_NOT_MANAGED_X509"),
      attempts: 1,
    });
    expect(err.message).toBe(
      "Atlas API POST /api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/databaseUsers/app/certs failed: " +
        "400 USER_NOT_MANAGED_X509: The user app does not have managed mode X509 enabled. Hint: Atlas issues " +
        "certificates only for users with x509Type MANAGED: create the database user in $external with x509Type " +
        "MANAGED first.",
    );
    expect(err.message).not.toMatch(/\n/);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("AtlasApiError");
    expect(String(err)).toMatch(/^AtlasApiError: Atlas API POST/);
    expect(err.stack).toMatch(/^AtlasApiError: Atlas API POST/);
  });

  it("describes network failures and timeouts without a status, and counts attempts", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
    });
    const network = new AtlasApiError({
      kind: "network",
      method: "GET",
      path: "/api/atlas/v2/groups/g/userSecurity",
      detail: describeNetworkError(cause),
      attempts: 6,
      cause,
    });
    expect(network.status).toBeUndefined();
    expect(network.cause).toBe(cause);
    expect(network.message).toBe(
      "Atlas API GET /api/atlas/v2/groups/g/userSecurity failed: network error (connect ECONNREFUSED 127.0.0.1:9) [6 attempts].",
    );
    const timeout = new AtlasApiError({
      kind: "timeout",
      method: "GET",
      path: "/p",
      detail: "no complete response within 50 ms",
      attempts: 1,
    });
    expect(timeout.message).toBe("Atlas API GET /p failed: timed out (no complete response within 50 ms).");
  });

  it("keeps the cause out of JSON and never embeds another error's stack", () => {
    const cause = new TypeError("fetch failed", { cause: new Error("other side closed") });
    const err = new AtlasApiError({
      kind: "network",
      method: "GET",
      path: "/p",
      detail: describeNetworkError(cause),
      attempts: 1,
      cause,
    });
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    expect(json).toMatchObject({ name: "AtlasApiError", kind: "network", method: "GET", path: "/p", attempts: 1 });
    expect(json).not.toHaveProperty("cause");
    expect(err.message).toContain("other side closed");
    expect(err.message).not.toContain("    at ");
  });

  it("copies itself with the final attempt count", () => {
    const err = new AtlasApiError({ kind: "http", method: "POST", path: "/api/oauth/token", status: 503, attempts: 1 });
    const copy = err.withAttempts(3);
    expect(copy).toBeInstanceOf(AtlasApiError);
    expect(copy.attempts).toBe(3);
    expect(copy.message).toContain("[3 attempts]");
  });
});

describe("hints", () => {
  it.each([
    ["USER_NOT_MANAGED_X509", 400, /x509Type MANAGED/],
    ["CANNOT_GENERATE_CERT_IF_ADVANCED_X509", 400, /customer CA \(self-managed X.509, CustomerX509Config\)/],
    ["EXPIRED_X509_CA_CERTIFICATE", 400, /expired/],
    ["USERNAME_NOT_FOUND", 404, /\$external/],
    ["CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS", 400, /between 1 and 24/],
    ["ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED", 400, /per user/],
    ["GROUP_NOT_FOUND", 404, /project id/],
    ["INVALID_GROUP_ID", 400, /24 hexadecimal/],
    ["IP_ADDRESS_NOT_ON_ACCESS_LIST", 403, /access list/],
    ["ORG_REQUIRES_ACCESS_LIST", 403, /access list/],
    ["RATE_LIMITED", 429, /rate-limited/],
  ])("explains %s", (code, status, pattern) => {
    expect(hintFor(status, code)).toMatch(pattern);
  });

  it("explains 401 for the auth kind in use, and a generic 403", () => {
    expect(hintFor(401, "USER_UNAUTHORIZED", "digest")).toMatch(/API key pair .* belong to the organization/);
    expect(hintFor(401, "invalid_client", "serviceAccount")).toMatch(/client id and secret/);
    expect(hintFor(403, "ACCESS_FORBIDDEN")).toMatch(/Project Owner.*access list/);
    expect(hintFor(409, "USER_ALREADY_EXISTS")).toBeUndefined();
  });
});

describe("error bodies and redaction", () => {
  it("takes errorCode and detail from Atlas's ApiError and from OAuth errors", () => {
    expect(
      describeErrorBody(
        '{"detail":"No group with ID x exists.","error":404,"errorCode":"GROUP_NOT_FOUND","reason":"Not Found"}',
      ),
    ).toEqual({
      errorCode: "GROUP_NOT_FOUND",
      detail: "No group with ID x exists.",
    });
    expect(describeErrorBody('{"error":"invalid_client","error_description":"Invalid client credentials."}')).toEqual({
      errorCode: "invalid_client",
      detail: "Invalid client credentials.",
    });
    expect(describeErrorBody('{"error":500,"reason":"Internal Server Error"}')).toEqual({
      detail: "Internal Server Error",
    });
    expect(describeErrorBody("")).toEqual({});
  });

  it("truncates a non-JSON body to about 200 characters on one line", () => {
    const html = `<html>\n<body>${"Bad gateway ".repeat(50)}</body></html>`;
    const { detail, errorCode } = describeErrorBody(html);
    expect(errorCode).toBeUndefined();
    expect(detail!.length).toBeLessThanOrEqual(200);
    expect(detail).toMatch(/^<html> <body>Bad gateway/);
    expect(detail).not.toMatch(/\n/);
  });

  it("strips a PEM block and key-looking strings from an error body", () => {
    const body = JSON.stringify({
      errorCode: "UNEXPECTED_ERROR",
      detail: `failed for key ${PRIVATE_API_KEY} with ${PEM} and Authorization: Bearer ${JWT} client_secret=mdb_sa_sk_abcdef123456`,
    });
    const { detail } = describeErrorBody(body);
    const err = new AtlasApiError({
      kind: "http",
      method: "GET",
      path: "/p",
      status: 500,
      errorCode: "UNEXPECTED_ERROR",
      detail,
      attempts: 1,
    });
    for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? ""]) {
      expect(text).not.toContain("BEGIN");
      expect(text).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
      expect(text).not.toContain(PRIVATE_API_KEY);
      expect(text).not.toContain(JWT);
      expect(text).not.toContain("eyJhbGciOiJIUzI1NiJ9");
      expect(text).not.toContain("mdb_sa_sk_abcdef123456");
    }
    expect(err.message).toContain("[REDACTED PEM]");
  });

  it("recognises a PEM cut off by truncation and a non-JSON body holding a key", () => {
    const longPrefix = "x ".repeat(90);
    const detail = describeErrorBody(`${longPrefix}${PEM}`).detail!;
    expect(detail).not.toContain("BEGIN");
    expect(sanitizeText("oops -----BEGIN RSA PRIVATE KEY-----\nMIIEow")).toBe("oops [REDACTED PEM]");
    expect(sanitizeText('{"access_token":"abc.def","expires_in":3600}')).toBe(
      '{"access_token":"[REDACTED]","expires_in":3600}',
    );
    expect(sanitizeText('Digest username="pub", response="0123"')).toBe("Digest [REDACTED]");
  });

  it("keeps ordinary details readable (paths, DNs, ids)", () => {
    const text =
      "No user with username CN=Jane Doe,OU=users,DC=example,DC=com exists in /api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/databaseUsers.";
    expect(sanitizeText(text)).toBe(text);
  });

  it("digs undici's reason out of TypeError.cause", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(describeNetworkError(new TypeError("fetch failed", { cause: refused }))).toBe(
      "connect ECONNREFUSED 127.0.0.1:1",
    );
    const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    expect(describeNetworkError(new TypeError("fetch failed", { cause: reset }))).toBe(
      "UND_ERR_SOCKET: other side closed",
    );
    expect(describeNetworkError(new TypeError("fetch failed", { cause: "reason" }))).toBe("reason");
    expect(describeNetworkError(new TypeError("fetch failed"))).toBe("fetch failed");
  });
});

// isAtlasNotFound: the one test a refresh uses to call a resource gone. Only a 404 carrying an Atlas errorCode
// that ends in _NOT_FOUND qualifies; error bodies are described by the same function the transport uses.
function httpError(status: number, body: string): AtlasApiError {
  return new AtlasApiError({
    kind: "http",
    method: "GET",
    path: "/api/atlas/v2/groups/g/userSecurity",
    status,
    attempts: 1,
    ...describeErrorBody(body),
  });
}

const atlasBody = (errorCode: string, status = 404) =>
  JSON.stringify({ detail: "No such thing.", error: status, errorCode, parameters: [], reason: "Not Found" });

describe("isAtlasNotFound", () => {
  it.each(["GROUP_NOT_FOUND", "USERNAME_NOT_FOUND", "USER_NOT_FOUND", "X509_CONFIG_NOT_FOUND"])(
    "is true for a 404 whose Atlas error body says %s",
    (code) => {
      expect(isAtlasNotFound(httpError(404, atlasBody(code)))).toBe(true);
    },
  );

  it.each([
    ["an HTML page", "<html><body><h1>404 Not Found</h1></body></html>"],
    ["an empty body", ""],
    ["plain text", "404 page not found"],
    ["JSON of another server", '{"error":"Not Found","message":"no Route matched with those values"}'],
    ["JSON saying NOT_FOUND without a subject", '{"error":"NOT_FOUND"}'],
    ["an OAuth-style error", '{"error":"not_found"}'],
    ["an Atlas errorCode that is not a _NOT_FOUND one", atlasBody("INVALID_GROUP_ID")],
    ["Atlas's RESOURCE_NOT_FOUND for a route it does not know", atlasBody("RESOURCE_NOT_FOUND")],
    ["a lowercase look-alike", atlasBody("group_not_found")],
    ["a code that only contains NOT_FOUND", atlasBody("GROUP_NOT_FOUND_YET")],
  ])("is false for a 404 with %s", (_what, body) => {
    expect(isAtlasNotFound(httpError(404, body))).toBe(false);
  });

  it.each([400, 403, 409, 410, 500, 503])("is false for a %s even with GROUP_NOT_FOUND", (status) => {
    expect(isAtlasNotFound(httpError(status, atlasBody("GROUP_NOT_FOUND", status)))).toBe(false);
  });

  it("is false for timeouts, network errors and anything that is not an AtlasApiError", () => {
    const base = { method: "GET", path: "/p", attempts: 6, errorCode: "GROUP_NOT_FOUND" };
    expect(isAtlasNotFound(new AtlasApiError({ ...base, kind: "timeout" }))).toBe(false);
    expect(isAtlasNotFound(new AtlasApiError({ ...base, kind: "network" }))).toBe(false);
    expect(isAtlasNotFound(Object.assign(new Error("404"), { status: 404, errorCode: "GROUP_NOT_FOUND" }))).toBe(false);
    expect(isAtlasNotFound(undefined)).toBe(false);
  });
});
