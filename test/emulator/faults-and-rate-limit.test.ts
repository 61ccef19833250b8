// Fault injection (times, everyNth, drop before/after, broken JSON, delay) and the per-credential token bucket.
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, HandDigestClient, json, rawRequest, seg, specErrors, V2_ACCEPT } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;
let group: string;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 1024, seedUsers: [{ username: "alice", x509Type: "MANAGED" }] });
  atlas = new AtlasCaller(emulator);
  group = `/groups/${emulator.projectId}`;
});
afterAll(() => emulator.close());
afterEach(async () => {
  await emulator.control.clearFaults();
  await emulator.control.setRateLimit(null);
});

const userSecurity = () => atlas.call("GET", `${group}/userSecurity`);
const newUser = (username: string) => ({
  databaseName: "$external",
  roles: [{ databaseName: "admin", roleName: "read" }],
  username,
  x509Type: "MANAGED",
});

describe("fault injection", () => {
  it("applies a status fault to the next N matching requests, with Retry-After and an ApiError body", async () => {
    await emulator.control.injectFaults([
      { pathIncludes: "/userSecurity", times: 2, status: 503, retryAfterSeconds: 7 },
    ]);
    const first = await userSecurity();
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("7");
    expect(json(first)).toMatchObject({ error: 503, errorCode: "SERVICE_UNAVAILABLE", reason: "Service Unavailable" });
    expect((await userSecurity()).status).toBe(503);
    expect((await userSecurity()).status).toBe(200);
  });

  it("uses the rule's errorCode and detail", async () => {
    await emulator.control.injectFaults([
      { method: "GET", status: 500, errorCode: "UNEXPECTED_ERROR", detail: "boom" },
    ]);
    const response = await userSecurity();
    expect(json(response)).toMatchObject({ error: 500, errorCode: "UNEXPECTED_ERROR", detail: "boom" });
    expect(specErrors(response)).toEqual([]);
  });

  it("applies an everyNth rule to every Nth matching request until cleared", async () => {
    await emulator.control.injectFaults([{ pathIncludes: "/userSecurity", everyNth: 2, status: 429 }]);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await userSecurity()).status);
    expect(statuses).toEqual([200, 429, 200, 429, 200, 429]);
    await emulator.control.clearFaults();
    expect((await userSecurity()).status).toBe(200);
  });

  it("matches method and the percent-decoded path", async () => {
    const dn = "CN=david@example.com,OU=users,DC=example,DC=com";
    await atlas.call("POST", `${group}/databaseUsers`, { body: { ...newUser(dn), x509Type: "CUSTOMER" } });
    await emulator.control.injectFaults([
      { method: "DELETE", pathIncludes: "CN=david@example.com,OU=users", status: 500 },
    ]);
    const path = `${group}/databaseUsers/$external/${seg(dn)}`;
    expect((await atlas.call("GET", path)).status).toBe(200); // wrong method: no fault
    expect((await atlas.call("DELETE", path)).status).toBe(500);
    expect((await atlas.call("DELETE", path)).status).toBe(204);
  });

  it("never spends a fault on a digest challenge", async () => {
    await emulator.control.injectFaults([{ pathIncludes: "/userSecurity", status: 502 }]);
    const freshClient = new HandDigestClient(
      emulator.baseUrl,
      emulator.credentials.publicKey,
      emulator.credentials.privateKey,
    );
    const response = await freshClient.request("GET", `/api/atlas/v2${group}/userSecurity`, {
      headers: { Accept: V2_ACCEPT },
    });
    expect(response.status).toBe(502);
  });

  it("drop before: the socket closes and nothing changes", async () => {
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/databaseUsers", drop: "before" }]);
    await expect(atlas.call("POST", `${group}/databaseUsers`, { body: newUser("dropped-before") })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await atlas.call("GET", `${group}/databaseUsers/$external/dropped-before`)).status).toBe(404);
    const [entry] = (await emulator.control.requests()).filter((e) => e.method === "POST").slice(-1);
    expect(entry).toMatchObject({ status: 0, authenticated: true });
  });

  it("drop after: the server acts (a certificate is minted) but no response arrives", async () => {
    const before = await emulator.control.issuedCertificates(emulator.projectId, "alice");
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", drop: "after" }]);
    await expect(atlas.call("POST", `${group}/databaseUsers/alice/certs`, { body: {} })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect(await emulator.control.issuedCertificates(emulator.projectId, "alice")).toHaveLength(before.length + 1);
  });

  it("invalidJson: processes the request but answers 200 with a truncated JSON body", async () => {
    await emulator.control.injectFaults([{ pathIncludes: "/userSecurity", method: "PATCH", invalidJson: true }]);
    const response = await atlas.call("PATCH", `${group}/userSecurity`, { body: { ldap: { port: 1636 } } });
    expect(response.status).toBe(200);
    expect(response.text.startsWith("{")).toBe(true);
    expect(() => JSON.parse(response.text)).toThrow();
    expect(json(await userSecurity())).toMatchObject({ ldap: { port: 1636 } });
  });

  it("delays the response but still processes it", async () => {
    await emulator.control.injectFaults([{ pathIncludes: "/userSecurity", delayMs: 300 }]);
    const started = Date.now();
    const response = await userSecurity();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
  });

  it("can fail the OAuth token endpoint", async () => {
    await emulator.control.injectFaults([{ pathIncludes: "/api/oauth/token", status: 503 }]);
    const response = await rawRequest(emulator.baseUrl, "POST", "/api/oauth/token", {
      headers: {
        Authorization:
          "Basic " +
          Buffer.from(`${emulator.credentials.clientId}:${emulator.credentials.clientSecret}`).toString("base64"),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    expect(response.status).toBe(503);
  });
});

describe("rate limit", () => {
  it("answers 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After once the credential's bucket is empty", async () => {
    await userSecurity(); // make sure the client holds a nonce, so no challenge round-trips below
    await emulator.control.setRateLimit({ capacity: 3, refillPerSecond: 0.5 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await userSecurity();
      expect(response.status).toBe(200);
      expect(response.headers["ratelimit-limit"]).toBe("3");
      remaining.push(response.headers["ratelimit-remaining"] as string);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await userSecurity();
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toMatch(/^\d+$/);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(limited.headers["ratelimit-remaining"]).toBe("0");
    expect(json(limited)).toMatchObject({
      error: 429,
      errorCode: "RATE_LIMITED_TOKEN_BUCKET",
      reason: "Too Many Requests",
      parameters: [`api/atlas/v2${group}/userSecurity`, Number(limited.headers["retry-after"]), 3, 30, 60],
    });
    expect(json(limited).detail).toBe(
      `Rate limit exceeded for api/atlas/v2${group}/userSecurity. Please retry after ${limited.headers["retry-after"]} ` +
        "seconds. Request capacity: 3. Refill rate: 30 per 60 seconds.",
    );
    expect(limited.headers["x-error-code"]).toBe("RATE_LIMITED_TOKEN_BUCKET");
    expect(specErrors(limited)).toEqual([]);
  });

  it("refills over time: a request after the Retry-After it was given goes through", async () => {
    await userSecurity();
    // One token every 2 s: the second request is refused unless 2 s pass between two loopback requests. How the
    // bucket refills to the millisecond: test/unit/emulator-building-blocks.test.ts, with a clock of its own.
    await emulator.control.setRateLimit({ capacity: 1, refillPerSecond: 0.5 });
    expect((await userSecurity()).status).toBe(200);
    const limited = await userSecurity();
    expect(limited.status).toBe(429);
    const retryAfterSeconds = Number(limited.headers["retry-after"]);
    expect([1, 2]).toContain(retryAfterSeconds);
    // Waiting as told is the behaviour under test, not a synchronisation.
    await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1000));
    expect((await userSecurity()).status).toBe(200);
  });

  it("keeps one bucket per credential", async () => {
    await userSecurity();
    await emulator.control.setRateLimit({ capacity: 1, refillPerSecond: 0 });
    expect((await userSecurity()).status).toBe(200);
    expect((await userSecurity()).status).toBe(429);
    const token = await rawRequest(emulator.baseUrl, "POST", "/api/oauth/token", {
      headers: {
        Authorization:
          "Basic " +
          Buffer.from(`${emulator.credentials.clientId}:${emulator.credentials.clientSecret}`).toString("base64"),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const bearer = await rawRequest(emulator.baseUrl, "GET", `/api/atlas/v2${group}/userSecurity`, {
      headers: { Authorization: `Bearer ${JSON.parse(token.text).access_token}`, Accept: V2_ACCEPT },
    });
    expect(bearer.status).toBe(200);
  });
});
