// Versioned media types (v2) versus plain JSON (v1.0), request-body handling and generic errors.
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, json, specErrors, V2_ACCEPT } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;
let group: string;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "alice", x509Type: "MANAGED" }] });
  atlas = new AtlasCaller(emulator);
  group = `/groups/${emulator.projectId}`;
});
afterAll(() => emulator.close());

describe("API versions and media types", () => {
  it("answers v2 with the vendor Content-Type and RateLimit headers", async () => {
    const response = await atlas.call("GET", `${group}/userSecurity`);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/vnd.atlas.2023-01-01+json;charset=utf-8");
    expect(response.headers["ratelimit-limit"]).toMatch(/^\d+$/);
    expect(response.headers["ratelimit-remaining"]).toMatch(/^\d+$/);
    expect(specErrors(response)).toEqual([]);
  });

  it("answers v1.0 with application/json and no RateLimit headers", async () => {
    const response = await atlas.call("GET", `${group}/userSecurity`, { api: "v1.0" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.headers["ratelimit-limit"]).toBeUndefined();
    expect(specErrors(response)).toEqual([]);
  });

  it.each([
    ["a missing Accept header", undefined],
    ["plain JSON", "application/json"],
    ["another version date", "application/vnd.atlas.2024-05-30+json"],
  ])("refuses v2 requests with %s: 406 INVALID_VERSION_DATE", async (_name, acceptHeader) => {
    const response = await atlas.digest.request("GET", `/api/atlas/v2${group}/userSecurity`, {
      headers: acceptHeader === undefined ? {} : { Accept: acceptHeader },
    });
    expect(response.status).toBe(406);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(json(response)).toMatchObject({ error: 406, errorCode: "INVALID_VERSION_DATE", reason: "Not Acceptable" });
  });

  it("accepts the vendor type among several Accept values", async () => {
    const response = await atlas.call("GET", `${group}/userSecurity`, {
      headers: { Accept: `application/json, ${V2_ACCEPT}` },
    });
    expect(response.status).toBe(200);
  });

  it("accepts request bodies as application/json or the vendor type", async () => {
    for (const contentType of ["application/json", V2_ACCEPT, `${V2_ACCEPT};charset=utf-8`]) {
      const response = await atlas.call("PATCH", `${group}/userSecurity`, {
        body: {},
        headers: { "Content-Type": contentType },
      });
      expect(response.status).toBe(202);
    }
  });

  it("answers malformed JSON with 400 MALFORMED_JSON", async () => {
    const response = await atlas.call("POST", `${group}/databaseUsers/alice/certs`, {
      body: '{"monthsUntilExpiration": 3',
    });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 400, errorCode: "MALFORMED_JSON", reason: "Bad Request" });
    expect(specErrors(response)).toEqual([]);
  });

  it("refuses a non-JSON request Content-Type with 415", async () => {
    const response = await atlas.call("PATCH", `${group}/userSecurity`, {
      body: "{}",
      headers: { "Content-Type": "text/plain" },
    });
    expect(response.status).toBe(415);
  });

  it("answers unknown resources with 404 RESOURCE_NOT_FOUND", async () => {
    const response = await atlas.call("GET", `${group}/clusters`);
    expect(response.status).toBe(404);
    expect(json(response)).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
  });

  it("rejects a malformed group id with 404 INVALID_GROUP_ID and an unknown one with 404 GROUP_NOT_FOUND", async () => {
    const invalid = await atlas.call("GET", "/groups/not-a-group/userSecurity");
    expect(invalid.status).toBe(404);
    expect(json(invalid)).toMatchObject({ errorCode: "INVALID_GROUP_ID" });
    const unknown = await atlas.call("GET", "/groups/0123456789abcdef01234567/userSecurity");
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toMatchObject({ errorCode: "GROUP_NOT_FOUND", parameters: ["0123456789abcdef01234567"] });
    expect(specErrors(unknown)).toEqual([]);
  });

  it("pretty-prints with ?pretty=true", async () => {
    const response = await atlas.call("GET", `${group}/userSecurity?pretty=true`);
    expect(response.text).toContain('\n  "customerX509": {}');
  });
});
