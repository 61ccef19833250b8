// The shared spec validator (test/support/openapi.ts) must catch the mistakes it exists to catch.
import { validateRequest, validateResponse } from "../support/openapi";

const CERTS = "/groups/{groupId}/databaseUsers/{username}/certs";
const USER = "/groups/{groupId}/databaseUsers/{databaseName}/{username}";
const PEM =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
const v2Headers = {
  "Content-Type": "application/vnd.atlas.2023-01-01+json;charset=utf-8",
  "RateLimit-Limit": "100",
  "RateLimit-Remaining": "99",
};
const user = {
  databaseName: "$external",
  groupId: "0123456789abcdef01234567",
  roles: [{ databaseName: "admin", roleName: "read" }],
  username: "u",
  x509Type: "MANAGED",
};

describe("OpenAPI validator", () => {
  it("accepts raw PEM for POST certs 201 and rejects a JSON-encoded one", () => {
    expect(validateResponse("v2", "POST", CERTS, 201, PEM, v2Headers)).toEqual([]);
    expect(validateResponse("v2", "POST", CERTS, 201, JSON.stringify(PEM))).toEqual([
      expect.stringContaining("raw text"),
    ]);
    expect(validateResponse("v2", "POST", CERTS, 201, "hello")).toEqual(
      expect.arrayContaining([expect.stringContaining("no certificate")]),
    );
  });

  it("flags a write-only field returned in a response, but allows Atlas's groupId", () => {
    expect(validateResponse("v2", "GET", USER, 200, JSON.stringify(user))).toEqual([]);
    expect(validateResponse("v2", "GET", USER, 200, JSON.stringify({ ...user, password: "secret123" }))).toEqual([
      expect.stringMatching(/^\/password /),
    ]);
  });

  it("flags undocumented statuses, missing required fields and non-JSON bodies", () => {
    expect(validateResponse("v2", "GET", CERTS, 418, "{}")).toEqual([expect.stringContaining("not documented")]);
    expect(validateResponse("v1", "GET", CERTS, 429, "{}")).toEqual([expect.stringContaining("not documented")]);
    expect(validateResponse("v2", "GET", CERTS, 404, '{"error":404}')).toEqual([expect.stringContaining("errorCode")]);
    expect(validateResponse("v2", "GET", CERTS, 200, "{")).toEqual(["body is not valid JSON"]);
    expect(validateResponse("v2", "GET", CERTS, 200, '{"links":[]}')).toEqual([expect.stringContaining("results")]);
  });

  it("checks Content-Type and the declared rate-limit headers when headers are given", () => {
    const body = '{"results":[]}';
    expect(validateResponse("v2", "GET", CERTS, 200, body, v2Headers)).toEqual([]);
    expect(validateResponse("v2", "GET", CERTS, 200, body, { "Content-Type": "application/json" })).toEqual([
      "missing response header RateLimit-Limit",
      "missing response header RateLimit-Remaining",
      expect.stringContaining("Content-Type application/json is not one of"),
    ]);
    expect(validateResponse("v1", "GET", CERTS, 200, body, { "content-type": "application/json" })).toEqual([]);
  });

  it("resolves concrete, percent-encoded paths to the most literal template", () => {
    const concrete = "/api/atlas/v2/groups/0123456789abcdef01234567/databaseUsers/CN%3Dx/certs?pageNum=2";
    expect(validateResponse("v2", "GET", concrete, 200, '{"results":[]}')).toEqual([]);
    expect(validateResponse("v2", "GET", "/api/atlas/v2/groups/x/clusters", 200, "{}")).toEqual([
      expect.stringContaining("no path"),
    ]);
  });

  it("validates request bodies: read-only fields, limits, required bodies", () => {
    expect(
      validateRequest("v2", "POST", CERTS, '{"monthsUntilExpiration":3}', { contentType: "application/json" }),
    ).toEqual([]);
    expect(validateRequest("v2", "POST", CERTS, '{"monthsUntilExpiration":25}')).toEqual([
      expect.stringContaining("<= 24"),
    ]);
    expect(validateRequest("v2", "POST", CERTS, '{"_id":1}')).toEqual([expect.stringMatching(/^\/_id /)]);
    expect(validateRequest("v2", "POST", CERTS, undefined)).toEqual(["request body is required"]);
    expect(validateRequest("v2", "GET", CERTS, "{}")).toEqual([expect.stringContaining("takes no request body")]);
    expect(validateRequest("v2", "POST", CERTS, "{}", { contentType: "text/plain" })).toEqual([
      expect.stringContaining("text/plain"),
    ]);
  });

  it("validates path and query parameters", () => {
    const ok = validateRequest("v2", "GET", CERTS, undefined, {
      pathParams: { groupId: "0123456789abcdef01234567", username: "u" },
      query: { itemsPerPage: "500", pageNum: "2", includeCount: "false" },
    });
    expect(ok).toEqual([]);
    const bad = validateRequest("v2", "GET", CERTS, undefined, {
      pathParams: { groupId: "XYZ", username: "u" },
      query: { itemsPerPage: "501", includeCount: "maybe", page: "1" },
    });
    expect(bad).toEqual([
      expect.stringContaining("path parameter groupId"),
      "query parameter includeCount: / must be boolean",
      "query parameter itemsPerPage: / must be <= 500",
      "query parameter page is not declared",
    ]);
  });
});
