// Pure unit tests of AtlasClient and its transport over a scripted fetch: headers, paths, bodies, retries.
import { OperationStopped, withOperationSignal } from "../../provider/atlas/abort";
import { AtlasClient, pathSegment, type AtlasClientOptions } from "../../provider/atlas/client";
import { LOST_KEY_HINT } from "../../provider/atlas/errors";
import { sleep } from "../../provider/atlas/retry";
import {
  atlasError,
  hang,
  hangOnArrival,
  json,
  networkError,
  noAuth,
  scriptedFetch,
  type Step,
} from "../support/fake-fetch";
import { failure } from "../support/failure";

const GROUP = "5f1a2b3c4d5e6f7a8b9c0d1e";
const PEM =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

function setup(steps: Step[], options: Partial<AtlasClientOptions> = {}) {
  const fake = scriptedFetch(...steps);
  const delays: number[] = [];
  const logs: string[] = [];
  const client = new AtlasClient({
    baseUrl: "https://atlas.test",
    auth: noAuth,
    fetch: fake.fetch,
    sleep: async (ms) => void delays.push(ms),
    logger: { debug: (line) => void logs.push(line) },
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    ...options,
  });
  return { client, calls: fake.calls, delays, logs };
}

function certPage(count: number, start = 0): unknown {
  const results = Array.from({ length: count }, (_, i) => ({
    _id: `${9_000_000_000_000_000_000n + BigInt(start + i)}`,
    createdAt: "2026-01-01T00:00:00Z",
    notAfter: "2026-04-01T00:00:00Z",
    subject: "CN=app",
    groupId: GROUP,
  }));
  // Serials as bare JSON integers, the way Atlas writes them; totalCount deliberately wrong.
  return JSON.stringify({ links: [], results, totalCount: 3 }).replace(/"_id":"(\d+)"/g, '"_id":$1');
}

describe("requests", () => {
  it("sends v2 paths with the versioned media type and a User-Agent naming the package", async () => {
    const { client, calls } = setup([json(200, { customerX509: {} })], { userAgent: "my-program/1.0" });
    await client.getUserSecurity(GROUP);
    expect(calls[0]!.url.href).toBe(`https://atlas.test/api/atlas/v2/groups/${GROUP}/userSecurity`);
    expect(calls[0]!.headers.accept).toBe("application/vnd.atlas.2023-01-01+json");
    expect(calls[0]!.headers["content-type"]).toBeUndefined();
    expect(calls[0]!.headers["user-agent"]).toMatch(/^my-program\/1\.0 pulumi-atlas-x509\/\d+\.\d+\.\d+\S* node\/v\d+/);
  });

  it("sends the same vendor type as Content-Type for JSON bodies, and only the customerX509 part on PATCH", async () => {
    const { client, calls } = setup([json(202, { customerX509: { cas: "CA" }, ldap: { hostname: "h" } })]);
    const security = await client.setCustomerX509(GROUP, "CA");
    expect(security).toEqual({ customerX509: { cas: "CA" }, ldap: { hostname: "h" } });
    expect(calls[0]!.method).toBe("PATCH");
    expect(calls[0]!.headers["content-type"]).toBe("application/vnd.atlas.2023-01-01+json");
    expect(JSON.parse(calls[0]!.body!)).toEqual({ customerX509: { cas: "CA" } });
  });

  it("speaks the deprecated v1.0 API with application/json when asked", async () => {
    const { client, calls } = setup([json(201, PEM)], { apiVersion: "v1.0", baseUrl: "https://cloud.mongodbgov.com/" });
    await client.createUserCert(GROUP, "app", 3);
    expect(calls[0]!.url.href).toBe(
      `https://cloud.mongodbgov.com/api/atlas/v1.0/groups/${GROUP}/databaseUsers/app/certs`,
    );
    expect(calls[0]!.headers.accept).toBe("application/json");
    expect(calls[0]!.headers["content-type"]).toBe("application/json");
  });

  it("defaults to https://cloud.mongodb.com", async () => {
    const { client, calls } = setup([json(200, {})], { baseUrl: undefined });
    await client.getUserSecurity(GROUP);
    expect(calls[0]!.url.origin).toBe("https://cloud.mongodb.com");
  });

  it("path-escapes DN usernames and dotted names as one segment", async () => {
    const dn = "CN=Jane Doe,OU=users/ops+O=acme,DC=example,DC=com";
    const { client, calls } = setup([json(200, { results: [] }), json(200, { results: [] })]);
    await client.listUserCerts(GROUP, "rob.carlan");
    await client.listUserCerts(GROUP, dn);
    expect(calls[0]!.url.pathname).toBe(`/api/atlas/v2/groups/${GROUP}/databaseUsers/rob.carlan/certs`);
    expect(calls[1]!.url.pathname).toBe(
      `/api/atlas/v2/groups/${GROUP}/databaseUsers/CN%3DJane%20Doe%2COU%3Dusers%2Fops%2BO%3Dacme%2CDC%3Dexample%2CDC%3Dcom/certs`,
    );
  });

  it("refuses path segments a URL parser would drop or resolve", async () => {
    const { client, calls } = setup([json(200, { results: [] })]);
    await expect(client.listUserCerts(GROUP, "..")).rejects.toThrow(/username must be a non-empty string/);
    await expect(client.listUserCerts("", "app")).rejects.toThrow(/groupId must be/);
    await expect(client.getUserSecurity(".")).rejects.toThrow(/groupId must be/);
    expect(calls).toHaveLength(0);
    expect(pathSegment("username", "%2e%2e")).toBe("%252e%252e");
  });

  it("treats an empty 202 from DELETE customerX509 as an empty UserSecurity", async () => {
    const { client, calls } = setup([new Response(null, { status: 202 })]);
    await expect(client.disableCustomerX509(GROUP)).resolves.toEqual({});
    expect(calls[0]!.method).toBe("DELETE");
    expect(calls[0]!.url.pathname).toBe(`/api/atlas/v2/groups/${GROUP}/userSecurity/customerX509`);
  });
});

describe("bodies", () => {
  it("reads the raw PEM body of POST certs as text although it is labelled JSON", async () => {
    const { client, calls } = setup([json(201, PEM)]);
    await expect(client.createUserCert(GROUP, "app", 3)).resolves.toBe(PEM);
    expect(JSON.parse(calls[0]!.body!)).toEqual({ monthsUntilExpiration: 3 });
  });

  it("also accepts the JSON-quoted PEM the spec describes", async () => {
    const { client } = setup([json(201, JSON.stringify(PEM))]);
    await expect(client.createUserCert(GROUP, "app", 3)).resolves.toBe(PEM);
  });

  it("fails a 201 without a certificate and key as a lost key, never quoting the body", async () => {
    const { client } = setup([json(201, "-----BEGIN CERTIFICATE-----\nMIIBsecretish\n-----END CERTIFICATE-----\n")]);
    const err = await failure(client.createUserCert(GROUP, "app", 3));
    expect(err.message).toMatch(/unexpected response: it is not a PEM certificate and private key/);
    expect(err.message).toMatch(/private key never arrived and is lost/);
    expect(err.message).not.toContain("MIIBsecretish");
    expect(err.outcomeUnknown).toBe(true);
  });

  it("keeps serial numbers exact", async () => {
    const { client } = setup([
      json(
        200,
        '{"results":[{"_id":1976722359483124370,"createdAt":"a","notAfter":"b","subject":"CN=app","groupId":"g"}]}',
      ),
    ]);
    await expect(client.listUserCerts(GROUP, "app")).resolves.toEqual([
      { serialNumber: "1976722359483124370", createdAt: "a", notAfter: "b", subject: "CN=app", groupId: "g" },
    ]);
  });

  it("reports a 200 whose body is not JSON without retrying", async () => {
    const { client, calls } = setup([json(200, '{"results":[{"_id":12')]);
    const err = await failure(client.getUserSecurity(GROUP));
    expect(err).toMatchObject({ kind: "http", status: 200, method: "GET" });
    expect(err.message).toContain("unexpected response: it is not valid JSON");
    expect(err.hint).toMatch(/cut off or garbled .*safe to repeat/);
    expect(calls).toHaveLength(1);
  });
});

describe("pagination", () => {
  it("follows pages of 500 until a short page, ignoring totalCount", async () => {
    const pages = [json(200, certPage(500)), json(200, certPage(500, 500)), json(200, certPage(3, 1000))];
    const { client, calls } = setup([...pages, ...pages]);
    const certs = await client.listUserCerts(GROUP, "app");
    expect(certs).toHaveLength(1003);
    expect(certs[1002]!.serialNumber).toBe("9000000000000001002");
    expect(calls.slice(0, 3).map((c) => Object.fromEntries(c.url.searchParams))).toEqual(
      [1, 2, 3].map((page) => ({ itemsPerPage: "500", pageNum: String(page), includeCount: "false" })),
    );
  });

  it("reads a single page once: it is a consistent snapshot", async () => {
    const { client, calls } = setup([json(200, certPage(499))]);
    await expect(client.listUserCerts(GROUP, "app")).resolves.toHaveLength(499);
    expect(calls).toHaveLength(1);
  });

  it("stops at an empty page", async () => {
    const { client, calls } = setup([
      json(200, certPage(500)),
      json(200, certPage(0)),
      json(200, certPage(500)),
      json(200, certPage(0)),
    ]);
    await expect(client.listUserCerts(GROUP, "app")).resolves.toHaveLength(500);
    expect(calls.map((c) => c.url.searchParams.get("pageNum"))).toEqual(["1", "2", "1", "2"]);
  });

  it("reads a multi-page list twice and merges, so a page boundary that shifted skips nothing", async () => {
    // First read: entry 500 shifted into page 1 after it was served (entry 0 expired), so page 2 starts at 501.
    // Second read: the shift is over; entry 500 is on page 2 again. Entry 0 expired meanwhile.
    const { client } = setup([
      json(200, certPage(500, 0)),
      json(200, certPage(499, 501)),
      json(200, certPage(500, 1)),
      json(200, certPage(499, 501)),
    ]);
    const serials = new Set((await client.listUserCerts(GROUP, "app")).map((c) => c.serialNumber));
    expect(serials.size).toBe(1000);
    expect(serials.has("9000000000000000500")).toBe(true);
  });

  it("gives up on a server that never ends", async () => {
    const { client, calls } = setup([json(200, certPage(500))], { maxListPages: 3 });
    const err = await failure(client.listUserCerts(GROUP, "app"));
    expect(err.message).toBe(
      `Atlas API GET /api/atlas/v2/groups/${GROUP}/databaseUsers/app/certs failed: ` +
        "unexpected response: the list did not end after 3 pages of 500.",
    );
    expect(calls).toHaveLength(3);
  });
});

describe("retries", () => {
  it("retries 5xx on GET with growing jittered backoff and logs no headers or bodies", async () => {
    const { client, calls, delays, logs } = setup([
      atlasError(503, "SERVICE_UNAVAILABLE"),
      atlasError(500, "UNEXPECTED_ERROR"),
      json(200, {}),
    ]);
    await expect(client.getUserSecurity(GROUP)).resolves.toEqual({});
    expect(calls).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeLessThan(10);
    expect(delays[1]).toBeLessThan(20);
    expect(logs).toEqual([
      `atlas GET /api/atlas/v2/groups/${GROUP}/userSecurity -> 503 (attempt 1)`,
      expect.stringMatching(/^atlas GET \S+ retry 1 of 5 in \d+ ms$/),
      `atlas GET /api/atlas/v2/groups/${GROUP}/userSecurity -> 500 (attempt 2)`,
      expect.stringMatching(/retry 2 of 5 in \d+ ms$/),
      `atlas GET /api/atlas/v2/groups/${GROUP}/userSecurity -> 200 (attempt 3)`,
    ]);
  });

  it("honours Retry-After on 429, capped", async () => {
    const { client, delays } = setup([
      atlasError(429, "RATE_LIMITED", "slow down", { "retry-after": "7" }),
      atlasError(429, "RATE_LIMITED", "x", { "retry-after": "3600" }),
      json(200, {}),
    ]);
    await client.getUserSecurity(GROUP);
    expect(delays).toEqual([7000, 60_000]);
  });

  it("retries 429s beyond maxRetries while the Retry-After waits fit the rate-limit budget", async () => {
    const rateLimited = atlasError(429, "RATE_LIMITED", "slow down", { "retry-after": "2" });
    const { client, calls, delays, logs } = setup([...Array.from({ length: 8 }, () => rateLimited), json(201, PEM)], {
      retry: { maxRetries: 1, maxRateLimitWaitMs: 16_000 },
    });
    await expect(client.createUserCert(GROUP, "app", 3)).resolves.toBe(PEM);
    expect(calls).toHaveLength(9);
    expect(delays).toEqual(Array.from({ length: 8 }, () => 2000));
    expect(logs).toContainEqual(expect.stringMatching(/rate-limited, retry in 2000 ms \(16000 ms waited on 429s\)$/));

    const { client: impatient, calls: tried } = setup([...Array.from({ length: 9 }, () => rateLimited)], {
      retry: { maxRetries: 1, maxRateLimitWaitMs: 16_000 },
    });
    const err = await failure(impatient.createUserCert(GROUP, "app", 3));
    expect(tried).toHaveLength(9);
    expect(err).toMatchObject({ status: 429, attempts: 9, outcomeUnknown: false });
    expect(err.hint).toMatch(/retries ran out/);
  });

  it("gives up on endless 429s that ask for no wait at all", async () => {
    const { client, calls } = setup([atlasError(429, "RATE_LIMITED", "x", { "retry-after": "0" })]);
    const err = await failure(client.getUserSecurity(GROUP));
    expect(calls).toHaveLength(101);
    expect(err).toMatchObject({ status: 429, attempts: 101 });
  });

  it("gives up after maxRetries and says how often it tried", async () => {
    const { client, calls } = setup([atlasError(503, "SERVICE_UNAVAILABLE", "down")], {
      retry: { maxRetries: 2, baseDelayMs: 1 },
    });
    const err = await failure(client.getUserSecurity(GROUP));
    expect(calls).toHaveLength(3);
    expect(err).toMatchObject({
      kind: "http",
      status: 503,
      errorCode: "SERVICE_UNAVAILABLE",
      attempts: 3,
      outcomeUnknown: false,
    });
    expect(err.message).toBe(
      `Atlas API GET /api/atlas/v2/groups/${GROUP}/userSecurity failed: 503 SERVICE_UNAVAILABLE: down [3 attempts].`,
    );
  });

  it.each([400, 401, 403, 404, 409])("never retries a %i", async (status) => {
    const { client, calls } = setup([atlasError(status, "SOMETHING")]);
    const err = await failure(client.getUserSecurity(GROUP));
    expect(err.status).toBe(status);
    expect(calls).toHaveLength(1);
  });

  it("retries network errors on idempotent requests and keeps the cause", async () => {
    const cause = networkError("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED");
    const { client, calls } = setup([cause], { retry: { maxRetries: 2, baseDelayMs: 1 } });
    const err = await failure(client.getUserSecurity(GROUP));
    expect(calls).toHaveLength(3);
    expect(err).toMatchObject({ kind: "network", status: undefined, attempts: 3 });
    expect(err.cause).toBe(cause);
    expect(err.message).toContain("network error (connect ECONNREFUSED 127.0.0.1:9)");
  });

  it("times out each attempt with AbortSignal.timeout and retries idempotent requests", async () => {
    const { client, calls } = setup([hang, json(200, { customerX509: { cas: "CA" } })], { timeoutMs: 30 });
    await expect(client.getUserSecurity(GROUP)).resolves.toEqual({ customerX509: { cas: "CA" } });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.signal).not.toBe(calls[1]!.signal);
  });

  it("reports a timeout as kind timeout without a status", async () => {
    const { client } = setup([hang], { timeoutMs: 20, retry: { maxRetries: 1, baseDelayMs: 1 } });
    const err = await failure(client.getUserSecurity(GROUP));
    expect(err).toMatchObject({ kind: "timeout", status: undefined, attempts: 2 });
    expect(err.message).toContain("timed out (no complete response within 20 ms)");
  });

  it.each([
    ["a 5xx", atlasError(500, "UNEXPECTED_ERROR")],
    ["a dropped connection", networkError()],
    ["a timeout", hang],
  ] as Array<[string, Step]>)("never retries POST certs after %s: the key would be lost twice", async (_name, step) => {
    const { client, calls } = setup([step], { timeoutMs: 20 });
    const err = await failure(client.createUserCert(GROUP, "app", 3));
    expect(calls).toHaveLength(1);
    expect(err.attempts).toBe(1);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toMatch(/Atlas may have issued a certificate .* private key never arrived and is lost/);
    expect(err.message).toMatch(/listed by GET \.\.\.\/certs/);
    expect(err.message).toMatch(/re-running is safe/);
  });

  it("retries POST certs after 429, which Atlas did not process", async () => {
    const { client, calls, delays } = setup([
      atlasError(429, "RATE_LIMITED", "x", { "retry-after": "1" }),
      json(201, PEM),
    ]);
    await expect(client.createUserCert(GROUP, "app", 3)).resolves.toBe(PEM);
    expect(calls).toHaveLength(2);
    expect(delays).toEqual([1000]);
  });

  it("rethrows a programming error from fetch untouched, without retrying", async () => {
    const bug = new RangeError("bug");
    const { client, calls } = setup([bug]);
    await expect(client.getUserSecurity(GROUP)).rejects.toBe(bug);
    expect(calls).toHaveLength(1);
  });
});

describe("cancellation and operation deadlines", () => {
  const cancelled = () => new OperationStopped("cancelled", "the Pulumi engine cancelled the operation");
  const deadline = () => new OperationStopped("timeout", "the resource's customTimeouts.create of 3s ran out");

  it("a cancel aborts the POST certs in flight at once: cancelled, not retried, and its key may be lost", async () => {
    const cancel = new AbortController();
    const { step, arrived } = hangOnArrival();
    const { client, calls } = setup([step], { signal: cancel.signal, timeoutMs: 600_000 });
    const creating = failure(client.createUserCert(GROUP, "app", 3));
    await arrived;
    cancel.abort(cancelled());
    const err = await creating;
    expect(calls).toHaveLength(1);
    expect(err).toMatchObject({ kind: "cancelled", status: undefined, attempts: 1, outcomeUnknown: true });
    expect(err.message).toBe(
      `Atlas API POST /api/atlas/v2/groups/${GROUP}/databaseUsers/app/certs failed: cancelled ` +
        `(the Pulumi engine cancelled the operation). Hint: ${LOST_KEY_HINT}`,
    );
  });

  it("a cancel ends a retry wait at once; a POST that was only rate-limited issued nothing", async () => {
    const cancel = new AbortController();
    let waiting!: () => void;
    const inWait = new Promise<void>((resolve) => (waiting = resolve));
    const { client, calls } = setup([atlasError(429, "RATE_LIMITED", "x", { "retry-after": "60" })], {
      signal: cancel.signal,
      sleep: (ms, signal) => {
        waiting();
        return sleep(ms, signal);
      },
    });
    const creating = failure(client.createUserCert(GROUP, "app", 3));
    await inWait;
    cancel.abort(cancelled());
    const err = await creating;
    expect(calls).toHaveLength(1);
    expect(err).toMatchObject({ kind: "cancelled", outcomeUnknown: false });
    expect(err.message).not.toContain(LOST_KEY_HINT);
    expect(err.message).toMatch(/cancelled \(the Pulumi engine cancelled the operation\)\. Hint: .*run it again/);
  });

  it("after a cancel, no request leaves", async () => {
    const cancel = new AbortController();
    cancel.abort(cancelled());
    const { client, calls } = setup([json(200, {})], { signal: cancel.signal });
    const err = await failure(client.getUserSecurity(GROUP));
    expect(calls).toHaveLength(0);
    expect(err).toMatchObject({ kind: "cancelled", outcomeUnknown: false });
  });

  it("a plain abort() of the client's signal reads as a cancel", async () => {
    const cancel = new AbortController();
    const { step, arrived } = hangOnArrival();
    const { client } = setup([step], { signal: cancel.signal });
    const reading = failure(client.getUserSecurity(GROUP));
    await arrived;
    cancel.abort();
    expect((await reading).kind).toBe("cancelled");
  });

  it("an operation's deadline ends an idempotent request without the retries a per-attempt timeout gets", async () => {
    const operation = new AbortController();
    const { step, arrived } = hangOnArrival();
    const { client, calls } = setup([step], { timeoutMs: 600_000 });
    const reading = failure(withOperationSignal(operation.signal, () => client.getUserSecurity(GROUP)));
    await arrived;
    operation.abort(deadline());
    const err = await reading;
    expect(calls).toHaveLength(1);
    expect(err).toMatchObject({ kind: "timeout", outcomeUnknown: false });
    expect(err.message).toMatch(
      /failed: timed out \(the resource's customTimeouts\.create of 3s ran out\)\. Hint: .*longer customTimeouts/,
    );
  });

  it("an operation's deadline ends a POST certs in flight with the lost-key hint", async () => {
    const operation = new AbortController();
    const { step, arrived } = hangOnArrival();
    const { client } = setup([step], { timeoutMs: 600_000 });
    const creating = failure(withOperationSignal(operation.signal, () => client.createUserCert(GROUP, "app", 3)));
    await arrived;
    operation.abort(deadline());
    const err = await creating;
    expect(err).toMatchObject({ kind: "timeout", outcomeUnknown: true, hint: LOST_KEY_HINT });
    expect(err.message).toContain("customTimeouts.create of 3s ran out");
  });

  it("within a live operation, a per-attempt timeout is still retried", async () => {
    const operation = new AbortController();
    const { client, calls } = setup([hang, json(200, { customerX509: { cas: "CA" } })], { timeoutMs: 20 });
    const security = await withOperationSignal(operation.signal, () => client.getUserSecurity(GROUP));
    expect(security).toEqual({ customerX509: { cas: "CA" } });
    expect(calls).toHaveLength(2);
  });

  it("requests outside the operation are not stopped by its deadline", async () => {
    const operation = new AbortController();
    const { client } = setup([json(200, {})]);
    await withOperationSignal(operation.signal, async () => undefined);
    operation.abort(deadline());
    await expect(client.getUserSecurity(GROUP)).resolves.toEqual({});
  });
});
