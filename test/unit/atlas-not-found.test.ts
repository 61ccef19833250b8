// isAtlasNotFound: the one test a refresh uses to call a resource gone. Only a 404 carrying an Atlas errorCode
// that ends in _NOT_FOUND qualifies; error bodies are described by the same function the transport uses.
import { AtlasApiError, describeErrorBody, isAtlasNotFound } from "../../provider/atlas/errors";

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
