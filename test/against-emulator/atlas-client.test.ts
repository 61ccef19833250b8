// The client against the Atlas emulator over real HTTP: handshakes, headers, bodies, paging, escaping, every error
// mapping users hit, retries, timeouts and redaction.
import { X509Certificate } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { digestAuth, serviceAccountAuth, type AtlasAuth } from "../../provider/atlas/auth";
import { AtlasClient, type AtlasClientOptions } from "../../provider/atlas/client";
import { AtlasApiError } from "../../provider/atlas/errors";
import { failure } from "../support/failure";

const DN = "CN=Jane Doe,OU=users,DC=example,DC=com";
let emulator: Emulator;
let project: string;
const logLines: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    seedUsers: [
      { username: "app", x509Type: "MANAGED" },
      { username: "rob.carlan", x509Type: "MANAGED" },
      { username: DN, x509Type: "CUSTOMER" },
      { username: "scram", x509Type: "NONE" },
    ],
    keyBits: 1024,
  });
  project = emulator.projectId;
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  await emulator.control.clearFaults();
  await emulator.control.setRateLimit(null);
  await emulator.control.resetRequests();
});

function digest(): AtlasAuth {
  return digestAuth(emulator.credentials.publicKey, emulator.credentials.privateKey);
}

function client(options: Partial<AtlasClientOptions> = {}): AtlasClient {
  return new AtlasClient({
    baseUrl: emulator.baseUrl,
    auth: digest(),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    logger: { debug: (line) => void logLines.push(line) },
    ...options,
  });
}

async function newManagedUser(name: string, projectId = project): Promise<string> {
  await emulator.control.createUser(projectId, name, "MANAGED");
  return name;
}

function decimalSerial(pem: string): string {
  return BigInt(`0x${new X509Certificate(pem).serialNumber}`).toString(10);
}

describe("digest auth and versions", () => {
  it("pays one digest challenge per client, on its first call only", async () => {
    const atlas = client();
    await atlas.getUserSecurity(project);
    await atlas.listUserCerts(project, "app");
    await atlas.listUserCerts(project, "rob.carlan");
    await client().getUserSecurity(project);
    const log = await emulator.control.requests();
    expect(log.map((e) => [e.status, e.authenticated])).toEqual([
      [401, false],
      [200, true],
      [200, true],
      [200, true],
      [401, false],
      [200, true],
    ]);
  });

  it("speaks v2 with the 2023-01-01 media type (the emulator answers 406 otherwise)", async () => {
    await client().getUserSecurity(project);
    const [, ok] = await emulator.control.requests();
    expect(ok).toMatchObject({ api: "v2", status: 200, path: `/api/atlas/v2/groups/${project}/userSecurity` });
  });

  it("speaks the deprecated v1.0 API when asked", async () => {
    const atlas = client({ apiVersion: "v1.0" });
    const user = await newManagedUser("v1-user");
    const pem = await atlas.createUserCert(project, user, 2);
    const certs = await atlas.listUserCerts(project, user);
    expect(certs.map((c) => c.serialNumber)).toEqual([decimalSerial(pem)]);
    const log = await emulator.control.requests();
    expect(log.filter((e) => e.authenticated).map((e) => e.api)).toEqual(["v1.0", "v1.0"]);
  });
});

describe("bodies, serials and paging", () => {
  it("reads the raw PEM body of POST certs as text: certificate, then private key", async () => {
    const pem = await client().createUserCert(project, "app", 3);
    expect(pem.indexOf("-----BEGIN CERTIFICATE-----")).toBe(0);
    expect(pem.indexOf("PRIVATE KEY-----")).toBeGreaterThan(pem.indexOf("-----END CERTIFICATE-----"));
    expect(new X509Certificate(pem).subject).toBe("CN=app");
  });

  it("keeps big serials exact: the listed serial equals the certificate's", async () => {
    const user = await newManagedUser("serials");
    const atlas = client();
    const pems = [await atlas.createUserCert(project, user, 1), await atlas.createUserCert(project, user, 24)];
    const certs = await atlas.listUserCerts(project, user);
    expect(certs.map((c) => c.serialNumber).sort()).toEqual(pems.map(decimalSerial).sort());
    expect(certs.some((c) => BigInt(c.serialNumber) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    expect(certs[0]).toMatchObject({ subject: `CN=${user}`, groupId: project });
  });

  it("follows pages past 500 with includeCount=false", async () => {
    await newManagedUser("bulk");
    await emulator.control.seedCertificates(project, "bulk", 1203);
    const issued = await emulator.control.issuedCertificates(project, "bulk");
    const certs = await client().listUserCerts(project, "bulk");
    expect(certs).toHaveLength(1203);
    expect(new Set(certs.map((c) => c.serialNumber))).toEqual(new Set(issued.map((c) => c.serialNumber)));
    const pages = (await emulator.control.requests()).filter((e) => e.authenticated);
    expect(pages.slice(0, 3).map((e) => e.query)).toEqual(
      [1, 2, 3].map((n) => ({ itemsPerPage: "500", pageNum: String(n), includeCount: "false" })),
    );
  });

  it("misses no certificate that stays valid while the pages shift underneath", async () => {
    await newManagedUser("churn");
    await emulator.control.seedCertificates(project, "churn", 1100);
    const before = await emulator.control.issuedCertificates(project, "churn");
    await emulator.control.setListChurn(true);
    let certs;
    try {
      certs = await client().listUserCerts(project, "churn");
    } finally {
      await emulator.control.setListChurn(false);
    }
    const after = await emulator.control.issuedCertificates(project, "churn");
    const expiredNow = new Set(after.filter((c) => c.expired).map((c) => c.serialNumber));
    const stayedValid = before.filter((c) => !expiredNow.has(c.serialNumber)).map((c) => c.serialNumber);
    const listed = certs.map((c) => c.serialNumber);
    expect(new Set(listed).size).toBe(listed.length);
    expect(stayedValid.filter((serial) => !listed.includes(serial))).toEqual([]);
  });

  it("path-escapes DN usernames (commas, =, spaces) and dotted names", async () => {
    const atlas = client();
    await expect(atlas.listUserCerts(project, DN)).resolves.toEqual([]);
    const pem = await atlas.createUserCert(project, "rob.carlan", 1);
    expect((await atlas.listUserCerts(project, "rob.carlan")).map((c) => c.serialNumber)).toContain(decimalSerial(pem));
    const paths = (await emulator.control.requests()).filter((e) => e.authenticated).map((e) => e.path);
    expect(paths[0]).toBe(
      `/api/atlas/v2/groups/${project}/databaseUsers/CN%3DJane%20Doe%2COU%3Dusers%2CDC%3Dexample%2CDC%3Dcom/certs`,
    );
  });

  it("issues and lists certificates of a MANAGED user whose name is a DN with a multi-valued RDN", async () => {
    const atlas = client();
    const username = await newManagedUser("CN=svc.batch,OU=jobs+O=acme,DC=example,DC=com");
    const pem = await atlas.createUserCert(project, username, 1);
    expect((await atlas.listUserCerts(project, username)).map((c) => c.serialNumber)).toEqual([decimalSerial(pem)]);
    const paths = (await emulator.control.requests()).filter((e) => e.authenticated).map((e) => e.path);
    expect(paths[0]).toBe(
      `/api/atlas/v2/groups/${project}/databaseUsers/CN%3Dsvc.batch%2COU%3Djobs%2BO%3Dacme%2CDC%3Dexample%2CDC%3Dcom/certs`,
    );
  });

  it("sets, reads and disables the customer CA, leaving LDAP alone", async () => {
    const projectId = await emulator.control.createProject();
    const ca = await emulator.control.caCertificate(project);
    const atlas = client();
    const ldapBefore = (await atlas.getUserSecurity(projectId)).ldap;
    await expect(atlas.setCustomerX509(projectId, ca)).resolves.toMatchObject({
      customerX509: { cas: ca },
      ldap: ldapBefore,
    });
    await expect(atlas.getUserSecurity(projectId)).resolves.toMatchObject({ customerX509: { cas: ca } });
    await expect(atlas.disableCustomerX509(projectId)).resolves.toEqual({ customerX509: {}, ldap: ldapBefore });
  });
});

describe("errors users hit", () => {
  it("USER_NOT_MANAGED_X509 for a CUSTOMER or SCRAM user", async () => {
    const err = await failure(client().createUserCert(project, DN, 3));
    expect(err).toMatchObject({
      kind: "http",
      status: 400,
      errorCode: "USER_NOT_MANAGED_X509",
      method: "POST",
      attempts: 1,
    });
    expect(err.message).toMatch(
      new RegExp(
        `^Atlas API POST /api/atlas/v2/groups/${project}/databaseUsers/CN%3DJane%20Doe%2COU%3Dusers%2CDC%3Dexample%2CDC%3Dcom/certs failed: 400 USER_NOT_MANAGED_X509: .+\\. Hint: .*x509Type MANAGED`,
      ),
    );
  });

  it("CANNOT_GENERATE_CERT_IF_ADVANCED_X509 while a customer CA is on", async () => {
    const projectId = await emulator.control.createProject();
    await emulator.control.createUser(projectId, "m", "MANAGED");
    const atlas = client();
    await atlas.setCustomerX509(projectId, await emulator.control.caCertificate(project));
    const err = await failure(atlas.createUserCert(projectId, "m", 3));
    expect(err.errorCode).toBe("CANNOT_GENERATE_CERT_IF_ADVANCED_X509");
    expect(err.hint).toMatch(/customer CA \(self-managed X.509, CustomerX509Config\)/);
  });

  it("EXPIRED_X509_CA_CERTIFICATE for an expired CA", async () => {
    const ca = await emulator.control.caCertificate(project);
    const projectId = await emulator.control.createProject();
    await emulator.control.setClockOffset(31 * 366 * 24 * 3600 * 1000);
    try {
      const err = await failure(client().setCustomerX509(projectId, ca));
      expect(err).toMatchObject({ status: 400, errorCode: "EXPIRED_X509_CA_CERTIFICATE" });
      expect(err.hint).toMatch(/expired/);
    } finally {
      await emulator.control.setClockOffset(0);
    }
  });

  it("USERNAME_NOT_FOUND, CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS, GROUP_NOT_FOUND and INVALID_GROUP_ID", async () => {
    const atlas = client();
    expect(await failure(atlas.listUserCerts(project, "nobody"))).toMatchObject({
      status: 404,
      errorCode: "USERNAME_NOT_FOUND",
      hint: expect.stringMatching(/\$external/),
    });
    expect(await failure(atlas.createUserCert(project, "app", 25))).toMatchObject({
      status: 400,
      errorCode: "CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS",
      hint: expect.stringMatching(/1 and 24/),
    });
    expect(await failure(atlas.getUserSecurity("0123456789abcdef01234567"))).toMatchObject({
      status: 404,
      errorCode: "GROUP_NOT_FOUND",
      hint: expect.stringMatching(/project id/),
    });
    expect(await failure(atlas.getUserSecurity("not-a-project"))).toMatchObject({
      status: 404,
      errorCode: "INVALID_GROUP_ID",
      hint: expect.stringMatching(/24 hexadecimal/),
    });
  });

  it("ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED once a user has too many certificates", async () => {
    const user = await newManagedUser("limited");
    await emulator.control.seedCertificates(project, user, 500);
    const err = await failure(client().createUserCert(project, user, 3));
    expect(err).toMatchObject({
      status: 400,
      errorCode: "ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED",
      outcomeUnknown: false,
    });
    expect(err.hint).toMatch(/per user/);
  });

  it("401 with a hint about the key pair, or about the service account", async () => {
    const wrongKey = client({
      auth: digestAuth(emulator.credentials.publicKey, "00000000-0000-0000-0000-000000000000"),
    });
    const err = await failure(wrongKey.getUserSecurity(project));
    expect(err).toMatchObject({ status: 401, errorCode: "UNEXPECTED_ERROR", attempts: 1 });
    expect(err.hint).toMatch(/API key pair/);
    const wrongSecret = client({
      auth: serviceAccountAuth(emulator.credentials.clientId, "mdb_sa_sk_wrong", emulator.baseUrl),
    });
    const saErr = await failure(wrongSecret.getUserSecurity(project));
    expect(saErr).toMatchObject({ status: 401, errorCode: "invalid_client", path: "/api/oauth/token" });
    expect(saErr.hint).toMatch(/client id and secret/);
  });

  it.each(["IP_ADDRESS_NOT_ON_ACCESS_LIST", "ORG_REQUIRES_ACCESS_LIST", "ACCESS_FORBIDDEN"])(
    "403 %s points at the API access list",
    async (errorCode) => {
      await emulator.control.injectFaults([{ pathIncludes: "/userSecurity", status: 403, errorCode }]);
      const err = await failure(client().getUserSecurity(project));
      expect(err).toMatchObject({ status: 403, errorCode, attempts: 1 });
      expect(err.hint).toMatch(/API access list/);
    },
  );

  it("429 RATE_LIMITED_TOKEN_BUCKET once retries run out", async () => {
    await emulator.control.setRateLimit({ capacity: 2, refillPerSecond: 0 });
    const atlas = client({ retry: { maxRetries: 0, maxRateLimitWaitMs: 0 } });
    await atlas.getUserSecurity(project); // the digest challenge is free; this takes one token
    await atlas.getUserSecurity(project);
    const err = await failure(atlas.getUserSecurity(project));
    expect(err).toMatchObject({ status: 429, errorCode: "RATE_LIMITED_TOKEN_BUCKET" });
    expect(err.hint).toMatch(/rate-limited/);
  });
});

describe("retries and timeouts", () => {
  it("waits as long as Retry-After says before retrying a 429", async () => {
    await emulator.control.injectFaults([
      { method: "GET", pathIncludes: "/userSecurity", status: 429, errorCode: "RATE_LIMITED", retryAfterSeconds: 1 },
    ]);
    const waits: number[] = [];
    const atlas = client({ sleep: async (ms) => void waits.push(ms) });
    await atlas.getUserSecurity(project);
    expect(waits).toEqual([1000]);
    expect((await emulator.control.requests()).filter((e) => e.authenticated).map((e) => e.status)).toEqual([429, 200]);
  });

  it("retries 5xx and dropped connections on idempotent requests", async () => {
    await emulator.control.injectFaults([
      { method: "GET", pathIncludes: "/userSecurity", status: 503, times: 2 },
      { method: "PATCH", pathIncludes: "/userSecurity", drop: "before" },
    ]);
    const atlas = client();
    await atlas.getUserSecurity(project);
    const projectId = await emulator.control.createProject();
    const ca = await emulator.control.caCertificate(project);
    await expect(atlas.setCustomerX509(projectId, ca)).resolves.toMatchObject({ customerX509: { cas: ca } });
    const statuses = (await emulator.control.requests())
      .filter((e) => e.authenticated)
      .map((e) => `${e.method} ${e.status}`);
    expect(statuses).toEqual(["GET 503", "GET 503", "GET 200", "PATCH 0", "PATCH 202"]);
  });

  it("times out a slow attempt and retries it", async () => {
    await emulator.control.injectFaults([{ method: "GET", pathIncludes: "/userSecurity", delayMs: 1500 }]);
    const waits: number[] = [];
    await client({ timeoutMs: 300, sleep: async (ms) => void waits.push(ms) }).getUserSecurity(project);
    // One wait before one retry: the slow attempt was given up, and the second one answered.
    expect(waits).toHaveLength(1);
    // Atlas answers the slow attempt after the client gave up on it: both are in the log, neither came from a sleep.
    await emulator.control.waitForRequests(
      (log) => log.filter((e) => e.authenticated && e.status === 200).length === 2,
    );
  });

  it("reports a timeout with kind timeout and no status", async () => {
    await emulator.control.injectFaults([{ method: "GET", pathIncludes: "/userSecurity", delayMs: 1000, times: 2 }]);
    const err = await failure(
      client({ timeoutMs: 150, retry: { maxRetries: 1, baseDelayMs: 1 } }).getUserSecurity(project),
    );
    expect(err).toMatchObject({ kind: "timeout", status: undefined, attempts: 2 });
    // Both slow answers land in the log before the next test starts from an empty one.
    await emulator.control.waitForRequests((log) => log.filter((e) => e.authenticated).length === 2);
  });

  it("reports an unreachable Atlas as a network error with undici's reason", async () => {
    const closed = await startEmulator({ keyBits: 2048 });
    const baseUrl = closed.baseUrl;
    await closed.close();
    const err = await failure(client({ baseUrl, retry: { maxRetries: 1, baseDelayMs: 1 } }).getUserSecurity(project));
    expect(err).toMatchObject({ kind: "network", status: undefined, attempts: 2 });
    expect(err.message).toMatch(/network error \(.*ECONNREFUSED/);
  });

  it("never retries POST certs after a 5xx: no certificate is issued twice", async () => {
    const user = await newManagedUser("no-retry-5xx");
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", status: 500 }]);
    const err = await failure(client().createUserCert(project, user, 3));
    expect(err).toMatchObject({ status: 500, attempts: 1, outcomeUnknown: true });
    expect(err.message).toMatch(
      /Atlas may have issued a certificate.*private key never arrived and is lost.*GET \.\.\.\/certs.*re-running is safe/,
    );
    expect(await emulator.control.counts()).toMatchObject({
      "POST /groups/{groupId}/databaseUsers/{username}/certs": 1,
    });
  });

  it("never retries POST certs after the connection dropped: exactly one certificate issued", async () => {
    const user = await newManagedUser("no-retry-drop");
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", drop: "after" }]);
    const err = await failure(client().createUserCert(project, user, 3));
    expect(err).toMatchObject({ kind: "network", attempts: 1, outcomeUnknown: true });
    expect(err.hint).toMatch(/private key never arrived and is lost/);
    expect(await emulator.control.issuedCertificates(project, user)).toHaveLength(1);
    expect(await emulator.control.counts()).toMatchObject({
      "POST /groups/{groupId}/databaseUsers/{username}/certs": 1,
    });
  });

  it("never retries POST certs after a timeout: exactly one certificate issued", async () => {
    const user = await newManagedUser("no-retry-timeout");
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", delayMs: 300 }]);
    const err = await failure(client({ timeoutMs: 100 }).createUserCert(project, user, 3));
    expect(err).toMatchObject({ kind: "timeout", attempts: 1, outcomeUnknown: true });
    // The emulator issues the certificate after its delay, then logs the answer nobody waits for any more.
    await emulator.control.waitForRequests((log) => log.some((e) => e.method === "POST" && e.status === 201));
    expect(await emulator.control.issuedCertificates(project, user)).toHaveLength(1);
  });

  it("retries POST certs after 429: exactly one certificate issued", async () => {
    const user = await newManagedUser("retry-429");
    await emulator.control.injectFaults([
      { method: "POST", pathIncludes: "/certs", status: 429, errorCode: "RATE_LIMITED", retryAfterSeconds: 0 },
    ]);
    const pem = await client().createUserCert(project, user, 3);
    const issued = await emulator.control.issuedCertificates(project, user);
    expect(issued.map((c) => c.serialNumber)).toEqual([decimalSerial(pem)]);
    expect((await emulator.control.requests()).filter((e) => e.method === "POST").map((e) => e.status)).toEqual([
      401, 429, 201,
    ]);
  });
});

describe("service accounts", () => {
  function serviceAccount(now?: () => number): AtlasAuth {
    const { clientId, clientSecret } = emulator.credentials;
    return serviceAccountAuth(clientId, clientSecret, emulator.baseUrl, now ? { now } : {});
  }

  it("reuses one token across calls and concurrent callers", async () => {
    const atlas = client({ auth: serviceAccount() });
    await Promise.all([
      atlas.getUserSecurity(project),
      atlas.listUserCerts(project, "app"),
      atlas.getUserSecurity(project),
    ]);
    await atlas.listUserCerts(project, "rob.carlan");
    const counts = await emulator.control.counts();
    expect(counts["POST /api/oauth/token"]).toBe(1);
    expect((await emulator.control.requests()).every((e) => e.authenticated)).toBe(true);
  });

  it("renews the token shortly before expires_in runs out", async () => {
    let now = Date.now();
    const atlas = client({ auth: serviceAccount(() => now) });
    await atlas.getUserSecurity(project);
    now += 3500_000;
    await atlas.getUserSecurity(project);
    expect((await emulator.control.counts())["POST /api/oauth/token"]).toBe(1);
    now += 45_000; // 59 s before expiry
    await atlas.getUserSecurity(project);
    expect((await emulator.control.counts())["POST /api/oauth/token"]).toBe(2);
  });

  it("recovers when Atlas expires a cached token early", async () => {
    // A project of its own: a slow request of an earlier test may still land in the log while this one runs.
    const own = await emulator.control.createProject();
    const atlas = client({ auth: serviceAccount() });
    await atlas.getUserSecurity(own);
    await emulator.control.setClockOffset(2 * 3600 * 1000);
    try {
      await atlas.getUserSecurity(own);
    } finally {
      await emulator.control.setClockOffset(0);
    }
    const log = (await emulator.control.requests()).filter(
      (e) => e.path.startsWith("/api/oauth") || e.path.includes(own),
    );
    expect(log.map((e) => `${e.path.startsWith("/api/oauth") ? "token" : "api"} ${e.status}`)).toEqual([
      "token 200",
      "api 200",
      "api 401",
      "token 200",
      "api 200",
    ]);
  });
});

describe("redaction", () => {
  it("never lets a credential or token reach an error or a log line", async () => {
    const { publicKey, privateKey, clientId, clientSecret } = emulator.credentials;
    const tokens: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith("/api/oauth/token") && response.ok) {
        const body = (await response.clone().json()) as { access_token: string };
        tokens.push(body.access_token);
      }
      return response;
    };
    const lines: string[] = [];
    const logger = { debug: (line: string) => void lines.push(line) };
    const digestClient = client({ logger });
    const saClient = client({
      logger,
      auth: serviceAccountAuth(clientId, clientSecret, emulator.baseUrl, { fetch: recordingFetch }),
    });
    // Make Atlas echo the secrets in an error detail, next to a PEM, as a worst case.
    const echo = `key ${privateKey} secret ${clientSecret} -----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----`;
    await emulator.control.injectFaults([{ pathIncludes: "/userSecurity", status: 500, detail: echo, times: 12 }]);
    const errors: unknown[] = [
      await failure(digestClient.getUserSecurity(project)),
      await failure(saClient.getUserSecurity(project)),
      await failure(saClient.createUserCert(project, DN, 3)),
      await failure(digestClient.createUserCert(project, "nobody", 3)),
      await failure(
        client({ logger, auth: digestAuth(publicKey, "11111111-2222-3333-4444-555555555555") }).listUserCerts(
          project,
          "app",
        ),
      ),
      await failure(
        client({
          logger,
          auth: serviceAccountAuth(clientId, "mdb_sa_sk_not-the-secret", emulator.baseUrl),
        }).getUserSecurity(project),
      ),
    ];
    await emulator.control.clearFaults();
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", drop: "after" }]);
    errors.push(await failure(saClient.createUserCert(project, "app", 1)));
    expect(tokens.length).toBeGreaterThan(0);

    const secrets = [
      privateKey,
      clientSecret,
      "11111111-2222-3333-4444-555555555555",
      "mdb_sa_sk_not-the-secret",
      ...tokens,
    ];
    for (const error of errors) {
      const err = error as AtlasApiError;
      const texts = [String(err), err.message, JSON.stringify(err), err.stack ?? "", err.detail ?? ""];
      for (const text of texts) {
        for (const secret of secrets) expect(text).not.toContain(secret);
        expect(text).not.toContain("MIIEvQ");
      }
    }
    const logged = [...lines, ...logLines].join("\n");
    for (const secret of [...secrets, publicKey === "" ? "-" : `username="${publicKey}"`])
      expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/authorization|Bearer|Digest |Basic /i);
  });
});
