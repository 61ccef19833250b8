// The request log and the per-route counts that tests use to prove how often a client called Atlas.
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, rawRequest, seg } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;
let group: string;
const accessLog: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    keyBits: 1024,
    seedUsers: [{ username: "a.b", x509Type: "MANAGED" }],
    log: (line) => accessLog.push(line),
  });
  atlas = new AtlasCaller(emulator);
  group = `/groups/${emulator.projectId}`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.resetRequests());

describe("request log", () => {
  it("records method, raw path, query, status, authentication and API version", async () => {
    await atlas.call("GET", `${group}/databaseUsers/a.b/certs?itemsPerPage=5`); // challenge + authenticated request
    const entries = await emulator.control.requests();
    expect(entries).toHaveLength(2);
    const [challenge, served] = entries;
    expect(challenge).toMatchObject({ method: "GET", status: 401, authenticated: false, api: "v2" });
    expect(served).toEqual({
      seq: challenge!.seq + 1,
      method: "GET",
      path: `/api/atlas/v2${group}/databaseUsers/a.b/certs`,
      query: { itemsPerPage: "5" },
      status: 200,
      authenticated: true,
      api: "v2",
      durationMs: expect.any(Number),
    });
  });

  it("keeps paths percent-encoded as received", async () => {
    const dn = "CN=x y,OU=z";
    await atlas.call("GET", `${group}/databaseUsers/$external/${seg(dn)}`);
    const paths = (await emulator.control.requests()).map((e) => e.path);
    expect(paths).toContain(`/api/atlas/v2${group}/databaseUsers/$external/CN%3Dx%20y%2COU%3Dz`);
  });

  it("never logs control routes and logs OAuth calls as api 'oauth'", async () => {
    await emulator.control.counts();
    await emulator.control.setClockOffset(0);
    await rawRequest(emulator.baseUrl, "POST", "/api/oauth/token", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const entries = await emulator.control.requests();
    expect(entries).toEqual([
      expect.objectContaining({ api: "oauth", path: "/api/oauth/token", status: 401, authenticated: false }),
    ]);
  });

  it("counts authenticated requests per templated route, shared by v2 and v1.0", async () => {
    await atlas.call("POST", `${group}/databaseUsers/a.b/certs`, { body: {} });
    await atlas.call("POST", `${group}/databaseUsers/a.b/certs`, { body: {}, api: "v1.0" });
    await atlas.call("GET", `${group}/databaseUsers/a.b/certs`, { api: "v1.0" });
    await atlas.call("GET", `${group}/databaseUsers/$external/a.b`);
    await rawRequest(emulator.baseUrl, "GET", `/api/atlas/v2${group}/userSecurity`); // unauthenticated: not counted
    expect(await emulator.control.counts()).toEqual({
      "POST /groups/{groupId}/databaseUsers/{username}/certs": 2,
      "GET /groups/{groupId}/databaseUsers/{username}/certs": 1,
      "GET /groups/{groupId}/databaseUsers/{databaseName}/{username}": 1,
    });
  });

  it("resets the log and the counts", async () => {
    await atlas.call("GET", `${group}/userSecurity`);
    await emulator.control.resetRequests();
    expect(await emulator.control.requests()).toEqual([]);
    expect(await emulator.control.counts()).toEqual({});
  });

  it("writes one access-log line per API request to the log sink", async () => {
    accessLog.length = 0;
    await atlas.call("GET", `${group}/userSecurity`);
    expect(accessLog).toEqual([
      expect.stringMatching(/^GET \/api\/atlas\/v2\/groups\/[0-9a-f]{24}\/userSecurity 200 [\d.]+ms$/),
    ]);
  });
});

// Last: its digest handshake would spare the first test its challenge.
describe("waiting on the request log", () => {
  it("lets a caller wait for a request that is still on its way, then answers with the log holding it", async () => {
    // Atlas answers the POST 300 ms after it acted; the wait starts before the request is even sent.
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", holdMs: 300 }]);
    const isPost = (log: Array<{ method: string; status: number }>) =>
      log.some((e) => e.method === "POST" && e.status === 201);
    const waited = emulator.control.waitForRequests(isPost);
    const answered = atlas.call("POST", `${group}/databaseUsers/a.b/certs`, { body: { monthsUntilExpiration: 1 } });
    const log = await waited;
    expect(isPost(log)).toBe(true);
    expect((await answered).status).toBe(201);
    // A condition the log already meets answers at once.
    expect(await emulator.control.waitForRequests(isPost)).toEqual(await emulator.control.requests());
  });
});
