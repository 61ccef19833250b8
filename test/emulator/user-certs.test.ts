// Atlas-managed user certificates: the raw-PEM 201, real certificates from the per-project CA, int64 serials in
// the list JSON, expiry on the emulator clock, and every error code of the certs endpoints.
import { createPrivateKey, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, json, seg, specErrors, type RawResponse } from "../support/atlas-http";

const DAY_MS = 86_400_000;

let emulator: Emulator;
let atlas: AtlasCaller;
let group: string;

beforeAll(async () => {
  emulator = await startEmulator({
    keyBits: 2048,
    seedUsers: [
      { username: "alice", x509Type: "MANAGED" },
      { username: "bob", x509Type: "MANAGED" },
      { username: "first.last", x509Type: "MANAGED" },
      { username: "CN=carol,OU=people,DC=example,DC=com", x509Type: "CUSTOMER" },
      { username: "scram-user", x509Type: "NONE" },
    ],
  });
  atlas = new AtlasCaller(emulator);
  group = `/groups/${emulator.projectId}`;
});
afterAll(() => emulator.close());
afterEach(() => emulator.control.setClockOffset(0));

const certsPath = (username: string) => `${group}/databaseUsers/${seg(username)}/certs`;

function createCert(username: string, body: unknown = { monthsUntilExpiration: 3 }, api: "v2" | "v1.0" = "v2") {
  return atlas.call("POST", certsPath(username), { body, api });
}

function splitPem(response: RawResponse): { certificate: X509Certificate; certificatePem: string; keyPem: string } {
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(response.text)![0];
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(response.text)![0];
  return { certificate: new X509Certificate(certificatePem), certificatePem, keyPem };
}

const serialOf = (certificate: X509Certificate) => BigInt(`0x${certificate.serialNumber}`);

describe("POST certs", () => {
  it("answers 201 with raw PEM (certificate, then PKCS#8 key) under the v2 JSON Content-Type", async () => {
    const response = await createCert("alice");
    expect(response.status).toBe(201);
    expect(response.headers["content-type"]).toBe("application/vnd.atlas.2023-01-01+json;charset=utf-8");
    expect(response.text).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/,
    );
    expect(() => JSON.parse(response.text)).toThrow();
    expect(specErrors(response)).toEqual([]);
  });

  it("answers v1.0 with the same raw PEM under application/json", async () => {
    const response = await createCert("alice", { monthsUntilExpiration: 1 }, "v1.0");
    expect(response.status).toBe(201);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.text.startsWith("-----BEGIN CERTIFICATE-----")).toBe(true);
    expect(specErrors(response)).toEqual([]);
  });

  it("issues a certificate whose private key matches it", async () => {
    const { certificate, keyPem } = splitPem(await createCert("alice"));
    expect(certificate.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("issues certificates shaped like Atlas's and signed by the project CA", async () => {
    const { certificate, certificatePem } = splitPem(await createCert("alice"));
    const ca = new X509Certificate(await emulator.control.caCertificate(emulator.projectId));
    expect(certificate.subject).toBe("CN=alice");
    expect(certificate.issuer).toBe(`CN=${emulator.projectId}\nOU=Atlas\nO=MongoDB Inc`);
    expect(ca.subject).toBe(certificate.issuer);
    expect(ca.ca).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.checkIssued(ca)).toBe(true);
    expect(certificate.verify(ca.publicKey)).toBe(true);

    const parsed = forge.pki.certificateFromPem(certificatePem);
    expect(parsed.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
    const byName = Object.fromEntries(parsed.extensions.map((e: { name: string }) => [e.name, e]));
    expect(byName.keyUsage).toMatchObject({ critical: true, digitalSignature: true, keyCertSign: false });
    expect(byName.extKeyUsage).toMatchObject({ critical: true, clientAuth: true });
    expect(certificate.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);

    const serial = serialOf(certificate);
    expect(serial >= 2n ** 60n && serial < 2n ** 63n).toBe(true);
  });

  /**
   * A certificate issued with the emulator clock set to `target`: its notBefore and notAfter, and the window in which
   * the emulator's clock read the time of issue (real time passes while it issues; no margin is guessed).
   */
  async function issuedAt(target: number, body: Record<string, unknown>) {
    const offset = target - Date.now();
    await emulator.control.setClockOffset(offset);
    const sent = Date.now();
    const { certificate } = splitPem(await createCert("bob", body));
    // Certificates carry whole seconds.
    const issuedWindow = [sent + offset - 1000, Date.now() + offset];
    return { notBefore: Date.parse(certificate.validFrom), notAfter: Date.parse(certificate.validTo), issuedWindow };
  }

  it("back-dates notBefore by one hour and adds calendar months, clamping to the month's end", async () => {
    const { notBefore, notAfter, issuedWindow } = await issuedAt(Date.parse("2031-01-31T12:00:00Z"), {
      monthsUntilExpiration: 1,
    });
    const issued = notBefore + 3_600_000;
    expect(issued).toBeGreaterThanOrEqual(issuedWindow[0]!);
    expect(issued).toBeLessThanOrEqual(issuedWindow[1]!);
    // January 31 plus one month is February 28 (2031 is no leap year): 28 days, whatever the time of day.
    expect(notAfter - issued).toBe(28 * DAY_MS);
  });

  it("defaults monthsUntilExpiration to 3", async () => {
    const { notBefore, notAfter } = await issuedAt(Date.parse("2030-05-15T08:00:00Z"), {});
    // May 15 plus three months is August 15: 31 + 30 + 31 days.
    expect(notAfter - (notBefore + 3_600_000)).toBe(92 * DAY_MS);
  });

  it("issues to usernames with dots", async () => {
    const response = await createCert("first.last");
    expect(response.status).toBe(201);
    expect(splitPem(response).certificate.subject).toBe("CN=first.last");
  });

  it.each([
    ["more than 24 months", "CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS", { monthsUntilExpiration: 25 }],
    ["0 months", "INVALID_ATTRIBUTE", { monthsUntilExpiration: 0 }],
    ["negative months", "INVALID_ATTRIBUTE", { monthsUntilExpiration: -1 }],
    ["fractional months", "INVALID_ATTRIBUTE", { monthsUntilExpiration: 2.5 }],
    ["months as a string", "INVALID_ATTRIBUTE", { monthsUntilExpiration: "3" }],
  ])("rejects %s with 400 %s", async (_name, errorCode, body) => {
    const response = await createCert("alice", body);
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 400, errorCode, reason: "Bad Request" });
    expect(specErrors(response)).toEqual([]);
  });

  it.each([
    ["a CUSTOMER user", "CN=carol,OU=people,DC=example,DC=com"],
    ["a SCRAM (NONE) user", "scram-user"],
  ])("refuses %s with 400 USER_NOT_MANAGED_X509", async (_name, username) => {
    const response = await createCert(username);
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ errorCode: "USER_NOT_MANAGED_X509" });
  });

  it("answers an unknown user with 404 USERNAME_NOT_FOUND on POST and GET", async () => {
    for (const method of ["POST", "GET"]) {
      const response = await atlas.call(method, certsPath("nobody"), method === "POST" ? { body: {} } : {});
      expect(response.status).toBe(404);
      expect(json(response)).toMatchObject({ errorCode: "USERNAME_NOT_FOUND", parameters: ["nobody"] });
      expect(specErrors(response)).toEqual([]);
    }
  });

  it("answers unknown and malformed projects with GROUP_NOT_FOUND and INVALID_GROUP_ID", async () => {
    const unknown = await atlas.call("GET", "/groups/aaaaaaaaaaaaaaaaaaaaaaaa/databaseUsers/alice/certs");
    expect([unknown.status, json(unknown).errorCode]).toEqual([404, "GROUP_NOT_FOUND"]);
    const malformed = await atlas.call("POST", "/groups/AAAA/databaseUsers/alice/certs", { body: {} });
    expect([malformed.status, json(malformed).errorCode]).toEqual([404, "INVALID_GROUP_ID"]);
  });

  it("refuses while customer X.509 CAs are configured: 400 CANNOT_GENERATE_CERT_IF_ADVANCED_X509", async () => {
    await emulator.control.setCustomerX509(
      emulator.projectId,
      await emulator.control.caCertificate(emulator.projectId),
    );
    try {
      const response = await createCert("alice");
      expect(response.status).toBe(400);
      expect(json(response)).toMatchObject({ errorCode: "CANNOT_GENERATE_CERT_IF_ADVANCED_X509" });
    } finally {
      await emulator.control.setCustomerX509(emulator.projectId, null);
    }
  });

  it("enforces the per-user limit on unexpired certificates: 400 ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED", async () => {
    const limited = await startEmulator({
      certsPerUserLimit: 2,
      keyBits: 1024,
      seedUsers: [{ username: "u", x509Type: "MANAGED" }],
    });
    try {
      const caller = new AtlasCaller(limited);
      const path = `/groups/${limited.projectId}/databaseUsers/u/certs`;
      expect((await caller.call("POST", path, { body: { monthsUntilExpiration: 1 } })).status).toBe(201);
      expect((await caller.call("POST", path, { body: { monthsUntilExpiration: 1 } })).status).toBe(201);
      const third = await caller.call("POST", path, { body: { monthsUntilExpiration: 1 } });
      expect(third.status).toBe(400);
      expect(json(third)).toMatchObject({ errorCode: "ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED" });
      expect(specErrors(third)).toEqual([]);
      await limited.control.advanceClock(40); // both expire, so the limit frees up
      expect((await caller.call("POST", path, { body: { monthsUntilExpiration: 1 } })).status).toBe(201);
      await limited.control.advanceClock(40);
      // Parallel POSTs cannot overshoot: certificates still being generated count against the limit.
      const parallel = await Promise.all(
        [1, 2, 3].map(() => caller.call("POST", path, { body: { monthsUntilExpiration: 1 } })),
      );
      expect(parallel.map((r) => r.status).sort()).toEqual([201, 201, 400]);
    } finally {
      await limited.close();
    }
  });
});

describe("GET certs", () => {
  const username = "lister";
  let certificate: X509Certificate;
  let serial: bigint;

  beforeAll(async () => {
    await emulator.control.createUser(emulator.projectId, username, "MANAGED");
    certificate = splitPem(await createCert(username, { monthsUntilExpiration: 6 })).certificate;
    serial = serialOf(certificate);
  });

  it("lists the certificate with its serial as a bare JSON integer above 2^53, exact in the text", async () => {
    const response = await atlas.call("GET", certsPath(username));
    expect(response.status).toBe(200);
    expect(specErrors(response)).toEqual([]);
    const idText = /"_id":(\d+)/.exec(response.text)![1]!;
    expect(BigInt(idText)).toBe(serial);
    expect(BigInt(idText) > 2n ** 53n).toBe(true);
    const body = json(response);
    expect(body).toEqual({
      links: [
        {
          href: `${emulator.baseUrl}/api/atlas/v2${certsPath(username)}?includeCount=true&pageNum=1&itemsPerPage=100`,
          rel: "self",
        },
      ],
      results: [
        {
          _id: expect.any(Number),
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          groupId: emulator.projectId,
          notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          subject: `CN=${username}`,
        },
      ],
      totalCount: 1,
    });
    const [listed] = body.results as Array<{ createdAt: string; notAfter: string }>;
    expect(Date.parse(listed!.createdAt)).toBe(Date.parse(certificate.validFrom));
    expect(Date.parse(listed!.notAfter)).toBe(Date.parse(certificate.validTo));
  });

  it("orders by creation and agrees with issuedCertificates", async () => {
    await createCert(username, { monthsUntilExpiration: 2 });
    const response = await atlas.call("GET", certsPath(username));
    const issued = await emulator.control.issuedCertificates(emulator.projectId, username);
    const results = json(response).results as Array<{ createdAt: string; notAfter: string }>;
    expect(results).toHaveLength(2);
    expect(Date.parse(results[0]!.createdAt)).toBeLessThanOrEqual(Date.parse(results[1]!.createdAt));
    expect(results.map((r) => Date.parse(r.notAfter))).toEqual(issued.map((c) => Date.parse(c.notAfter)));
    expect(/"_id":(\d+)/.exec(response.text)![1]).toBe(issued[0]!.serialNumber);
  });

  it("lists only unexpired certificates on the emulator clock, while issuedCertificates keeps them all", async () => {
    await emulator.control.advanceClock(75); // past the 2-month certificate, before the 6-month one
    const response = await atlas.call("GET", certsPath(username));
    const results = json(response).results as Array<{ _id: number }>;
    expect(results).toHaveLength(1);
    expect(/"_id":(\d+)/.exec(response.text)![1]).toBe(serial.toString());
    const issued = await emulator.control.issuedCertificates(emulator.projectId, username);
    expect(issued.map((c) => c.expired)).toEqual([false, true]);
    await emulator.control.advanceClock(200);
    expect(json(await atlas.call("GET", certsPath(username)))).toMatchObject({ results: [], totalCount: 0 });
  });

  it("keeps certificates on record when the user is deleted and re-created (observed Atlas behaviour)", async () => {
    await emulator.control.createUser(emulator.projectId, "phoenix", "MANAGED");
    await createCert("phoenix");
    expect((await atlas.call("DELETE", `${group}/databaseUsers/$external/phoenix`)).status).toBe(204);
    expect((await atlas.call("GET", certsPath("phoenix"))).status).toBe(404);
    await emulator.control.createUser(emulator.projectId, "phoenix", "MANAGED");
    expect(json(await atlas.call("GET", certsPath("phoenix")))).toMatchObject({ totalCount: 1 });
  });

  it("serves v1.0 with the same body shape", async () => {
    const response = await atlas.call("GET", certsPath("alice"), { api: "v1.0" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(specErrors(response)).toEqual([]);
  });
});
