// Fidelity to real Atlas: each answer of the emulator compared with the one Atlas gave to the same request, as
// recorded by MongoDB's Atlas CLI e2e tests (../shared/atlas-recordings; test/support/atlas-recordings.ts reads
// them). Compared: status, the headers that matter, body bytes where the recording holds no random value, else the
// body's keys, key order and value types, and the certificate's structure. Not compared: random values.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, rawRequest, V2_ACCEPT, type RawResponse } from "../support/atlas-http";
import {
  challengeFields,
  loadRecording,
  parseRecording,
  recordingFiles,
  shapeText,
  type Recording,
} from "../support/atlas-recordings";
import { certificateStructure, decimalSerial } from "../support/certificate-structure";

const RECORDED_GROUP = "b0123456789abcdef012345b";
const RECORDED_BASE = "http://localhost:8080";
/** The project id inside the recorded certificate's issuer (the recorder masked it only in paths and bodies). */
const RECORDED_ISSUER_GROUP = "5efda6aea3f2ed2e7dd6ce05";
const HOUR_MS = 3_600_000;

let emulator: Emulator;
let atlas: AtlasCaller;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048 });
  atlas = new AtlasCaller(emulator);
});
afterAll(() => emulator.close());

/** A fresh project per test, so rate-limit counters and userSecurity start as Atlas's would. */
async function freshProject(users: Array<[string, "MANAGED" | "CUSTOMER" | "NONE"]> = []): Promise<string> {
  const projectId = await emulator.control.createProject();
  for (const [username, x509Type] of users) await emulator.control.createUser(projectId, username, x509Type);
  return projectId;
}

/** The recorded text with the recorder's masked project id and base URL replaced by the emulator's. */
function localized(text: string, projectId: string, baseUrl = emulator.baseUrl): string {
  return text.replaceAll(RECORDED_GROUP, projectId).replaceAll(RECORDED_BASE, baseUrl);
}

const rateLimitHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers)
    .filter((name) => name.startsWith("ratelimit-"))
    .sort();

/** The headers that matter: Content-Type, X-Error-Code, RateLimit-Limit, and which RateLimit-* are present. */
function expectHeadersLike(response: RawResponse, recording: Recording): void {
  expect(response.status).toBe(recording.status);
  expect(response.headers["content-type"]).toBe(recording.headers["content-type"]);
  expect(response.headers["x-error-code"]).toBe(recording.headers["x-error-code"]);
  expect(rateLimitHeaders(response.headers)).toEqual(rateLimitHeaders(recording.headers));
  expect(response.headers["ratelimit-limit"]).toBe(recording.headers["ratelimit-limit"]);
  if (recording.headers["ratelimit-remaining"] !== undefined) {
    expect(response.headers["ratelimit-remaining"]).toMatch(/^\d+$/);
  }
}

describe("the recordings", () => {
  it("all parse, and their bodies are exactly Content-Length bytes", () => {
    const files = recordingFiles();
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) {
      const recording = loadRecording(file);
      expect(recording.status).toBeGreaterThanOrEqual(200);
      expect(Buffer.byteLength(recording.body)).toBe(Number(recording.headers["content-length"] ?? 0));
    }
  });

  it("parse CRLF header lines (raw CI tarballs) like LF ones", () => {
    const lf = loadRecording("err-404-group-not-found");
    const text = `HTTP/2.0 404 Not Found\r\n${lf.headerLines.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n${lf.body}`;
    expect(parseRecording(text)).toEqual({ ...lf, file: "<text>" });
    expect(() => parseRecording("HTTP/2.0 200 OK\nBroken header\n\n{}")).toThrow(/not a header line/);
    expect(() => parseRecording("HTTP/2.0 200 OK\nContent-Length: 5\n\n{}")).toThrow(/Content-Length says 5/);
  });
});

describe("the digest challenge and the 401 body", () => {
  const recorded = loadRecording("err-401-digest-post-databaseusers");
  const body = { databaseName: "$external", roles: [{ databaseName: "admin", roleName: "atlasAdmin" }] };

  async function unauthenticated(projectId: string): Promise<RawResponse> {
    return rawRequest(emulator.baseUrl, "POST", `/api/atlas/v2/groups/${projectId}/databaseUsers`, {
      headers: { Accept: V2_ACCEPT, "Content-Type": V2_ACCEPT },
      body: JSON.stringify({ ...body, username: "user389", x509Type: "MANAGED" }),
    });
  }

  it("has the recorded fields in the recorded order and form; only the nonce differs, shaped like Atlas's", async () => {
    const response = await unauthenticated(await freshProject());
    const ours = challengeFields(response.headers["www-authenticate"] as string);
    const theirs = challengeFields(recorded.headers["www-authenticate"]!);
    const withoutNonce = (fields: typeof ours) =>
      fields.map((f) => (f.name === "nonce" ? { ...f, value: "<nonce>" } : f));
    expect(withoutNonce(ours)).toEqual(withoutNonce(theirs));
    expect(theirs.map((f) => f.name)).toEqual(["realm", "domain", "nonce", "algorithm", "qop", "stale"]);
    // Every recorded nonce is 32 characters of standard base64, as the emulator's are.
    const nonces = ["err-401-digest-post-databaseusers", "err-401-digest-post-databaseusers-no-errorcode"].map(
      (file) =>
        challengeFields(loadRecording(file).headers["www-authenticate"]!).find((f) => f.name === "nonce")!.value,
    );
    nonces.push(
      challengeFields(loadRecording("err-401-digest-delete-empty-body").headers["www-authenticate"]!)[2]!.value,
    );
    for (const nonce of [...nonces, ours[2]!.value]) expect(nonce).toMatch(/^[A-Za-z0-9+/]{32}$/);
  });

  it("answers with the recorded body byte for byte, application/json, without X-Error-Code or RateLimit-*", async () => {
    const response = await unauthenticated(await freshProject());
    expect(response.status).toBe(401);
    expect(response.text).toBe(recorded.body);
    expect(response.headers["content-length"]).toBe(recorded.headers["content-length"]);
    expectHeadersLike(response, recorded);
    expect(recorded.headers["x-error-code"]).toBeUndefined();
  });

  it("answers wrong credentials the same way", async () => {
    const wrong = new AtlasCaller({
      baseUrl: emulator.baseUrl,
      credentials: { publicKey: emulator.credentials.publicKey, privateKey: "00000000-0000-0000-0000-000000000000" },
    });
    const response = await wrong.call("POST", `/groups/${await freshProject()}/databaseUsers`, {
      body: { ...body, username: "user389", x509Type: "MANAGED" },
    });
    expect(response.text).toBe(recorded.body);
    expectHeadersLike(response, recorded);
  });
});

describe("error responses", () => {
  it("GROUP_NOT_FOUND: the recorded body byte for byte, X-Error-Code, and no RateLimit-* (no project to count)", async () => {
    const recorded = loadRecording("err-404-group-not-found");
    const response = await atlas.call("POST", "/groups/111111111111111111111111/databaseUsers", {
      body: {
        databaseName: "$external",
        roles: [{ databaseName: "admin", roleName: "atlasAdmin" }],
        username: "user389",
        x509Type: "MANAGED",
      },
    });
    expect(response.text).toBe(recorded.body);
    expectHeadersLike(response, recorded);
    expect(response.headers["x-error-code"]).toBe("GROUP_NOT_FOUND");
  });

  it("a malformed group id: 404 INVALID_GROUP_ID (ERRDOC), shaped like the recorded 404s", async () => {
    const recorded = loadRecording("err-404-group-not-found");
    const response = await atlas.call("GET", "/groups/not-a-group-id/userSecurity");
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toMatchObject({ errorCode: "INVALID_GROUP_ID", parameters: ["not-a-group-id"] });
    expect(shapeText(response.text)).toBe(shapeText(recorded.body));
    expect(response.headers["x-error-code"]).toBe("INVALID_GROUP_ID");
    expect(response.headers["content-type"]).toBe(recorded.headers["content-type"]);
    expect(rateLimitHeaders(response.headers)).toEqual([]);
  });

  it.each([
    ["USERNAME_NOT_FOUND", "GET", "/databaseUsers/nobody/certs", undefined],
    ["USER_NOT_MANAGED_X509", "POST", "/databaseUsers/scram/certs", { monthsUntilExpiration: 3 }],
    ["CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS", "POST", "/databaseUsers/app/certs", { monthsUntilExpiration: 25 }],
    ["INVALID_ATTRIBUTE", "PATCH", "/userSecurity", { customerX509: { cas: "" } }],
  ])(
    "%s in an existing project: compact A-Z body and headers like the recorded 404 of an existing group",
    async (errorCode, method, path, body) => {
      const recorded = loadRecording("err-404-cluster-not-found-ratelimit");
      const projectId = await freshProject([
        ["app", "MANAGED"],
        ["scram", "NONE"],
      ]);
      const response = await atlas.call(method, `/groups/${projectId}${path}`, body === undefined ? {} : { body });
      expect(JSON.parse(response.text)).toMatchObject({ errorCode, error: response.status });
      expect(shapeText(response.text, false)).toBe(shapeText(recorded.body, false));
      expect(response.text).not.toContain("\n");
      expect(response.headers["x-error-code"]).toBe(errorCode);
      expect(response.headers["content-type"]).toBe(recorded.headers["content-type"]);
      expect(rateLimitHeaders(response.headers)).toEqual(rateLimitHeaders(recorded.headers));
    },
  );
});

describe("databaseUsers", () => {
  it("POST answers the recorded 201 byte for byte (but the project id and base URL), limit 10000", async () => {
    const recorded = loadRecording("dbuser-create-x509-201");
    const projectId = await freshProject();
    const response = await atlas.call("POST", `/groups/${projectId}/databaseUsers`, {
      body: {
        databaseName: "$external",
        groupId: projectId,
        roles: [{ databaseName: "admin", roleName: "atlasAdmin" }],
        username: "user389",
        x509Type: "MANAGED",
      },
    });
    expect(response.text).toBe(localized(recorded.body, projectId));
    expectHeadersLike(response, recorded);
    expect(response.headers["ratelimit-remaining"]).toBe("9999");
  });

  it("DELETE $external answers the recorded 204: the success Content-Type, no Content-Length, no body", async () => {
    const recorded = loadRecording("dbuser-delete-external-204");
    const projectId = await freshProject([["user389", "MANAGED"]]);
    const response = await atlas.call("DELETE", `/groups/${projectId}/databaseUsers/%24external/user389`);
    expectHeadersLike(response, recorded);
    expect(recorded.headers["content-length"]).toBeUndefined();
    expect(response.headers["content-length"]).toBeUndefined();
    expect(response.headers["transfer-encoding"]).toBeUndefined();
    expect(response.text).toBe("");
  });
});

describe("userSecurity", () => {
  // What `atlas security ldap save` sent, as far as the recorded answer shows; "" values must not come back.
  const ldapSave = {
    ldap: {
      authzQueryTemplate: "",
      bindPassword: "admin-password",
      bindUsername: "cn=admin,dc=example,dc=org",
      caCertificate: "",
      hostname: "2.tcp.ngrok.io",
      port: 19657,
      userToDNMapping: [
        {
          ldapQuery: "",
          match: "(.+)@ENGINEERING.EXAMPLE.COM",
          substitution: "cn={0},ou=engineering,dc=example,dc=com",
        },
      ],
    },
  };

  it("a fresh project: customerX509 {} and the recorded ldap minus what the CLI had set, no links", async () => {
    const recorded = JSON.parse(loadRecording("usersecurity-get-200").body) as { ldap: Record<string, unknown> };
    const unset = Object.fromEntries(Object.entries(recorded.ldap).filter(([key]) => !(key in ldapSave.ldap)));
    const response = await atlas.call("GET", `/groups/${await freshProject()}/userSecurity`);
    expect(response.status).toBe(200);
    expect(response.text).toBe(JSON.stringify({ customerX509: {}, ldap: unset }));
    expect(unset).toEqual({ authenticationEnabled: false, authorizationEnabled: false });
  });

  it("PATCH, GET and DELETE ldap/userToDNMapping answer the recorded bodies byte for byte", async () => {
    const projectId = await freshProject();
    const path = `/groups/${projectId}/userSecurity`;
    const steps: Array<[string, RawResponse]> = [
      ["usersecurity-patch-202", await atlas.call("PATCH", path, { body: ldapSave })],
      ["usersecurity-get-200", await atlas.call("GET", path)],
      ["usersecurity-ldap-usertodn-delete-202", await atlas.call("DELETE", `${path}/ldap/userToDNMapping`)],
    ];
    for (const [file, response] of steps) {
      const recorded = loadRecording(file);
      expect(response.text).toBe(recorded.body);
      expectHeadersLike(response, recorded);
    }
    expect(steps[0]![1].text).not.toContain("admin-password");
  });

  it("DELETE customerX509 and a PATCH of customerX509 answer with exactly the recorded keys", async () => {
    const projectId = await freshProject();
    const path = `/groups/${projectId}/userSecurity`;
    const ca = await emulator.control.caCertificate(emulator.projectId);
    const recorded = loadRecording("usersecurity-patch-202");
    const patched = await atlas.call("PATCH", path, { body: { customerX509: { cas: ca } } });
    expectHeadersLike(patched, recorded);
    expect(Object.keys(JSON.parse(patched.text))).toEqual(Object.keys(JSON.parse(recorded.body)));
    expect(JSON.parse(patched.text).customerX509).toEqual({ cas: ca });
    const deleted = await atlas.call("DELETE", `${path}/customerX509`);
    expectHeadersLike(deleted, recorded);
    expect(deleted.text).toBe(
      JSON.stringify({ customerX509: {}, ldap: { authenticationEnabled: false, authorizationEnabled: false } }),
    );
  });

  it("counts RateLimit-Remaining down across its methods within one budget of 1200, as recorded", async () => {
    const files = [
      "usersecurity-ldap-verify-post-200",
      "usersecurity-ldap-verify-get-200-pending",
      "usersecurity-ldap-verify-get-200-failed",
      "usersecurity-ldap-verify-get-200-status",
      "usersecurity-patch-202",
      "usersecurity-get-200",
      "usersecurity-ldap-usertodn-delete-202",
    ];
    const recorded = files.map((file) => Number(loadRecording(file).headers["ratelimit-remaining"]));
    expect(recorded).toEqual([1199, 1198, 1197, 1196, 1195, 1194, 1193]);

    const projectId = await freshProject();
    const path = `/groups/${projectId}/userSecurity`;
    const responses = [
      await atlas.call("GET", path),
      await atlas.call("PATCH", path, { body: ldapSave }),
      await atlas.call("GET", path),
      await atlas.call("DELETE", `${path}/ldap/userToDNMapping`),
      await atlas.call("DELETE", `${path}/customerX509`),
    ];
    expect(responses.map((r) => r.headers["ratelimit-limit"])).toEqual(["1200", "1200", "1200", "1200", "1200"]);
    expect(responses.map((r) => Number(r.headers["ratelimit-remaining"]))).toEqual([1199, 1198, 1197, 1196, 1195]);
    // Another family in the same project has its own budget.
    const certs = await atlas.call("GET", `/groups/${projectId}/databaseUsers/nobody/certs`);
    expect([certs.headers["ratelimit-limit"], certs.headers["ratelimit-remaining"]]).toEqual(["1200", "1199"]);
  });
});

describe("Atlas-managed certificates", () => {
  const recordedCreate = loadRecording("certs-create-201");
  const recordedPem = /-----BEGIN CERTIFICATE-----\n[\s\S]+?-----END CERTIFICATE-----\n/.exec(recordedCreate.body)![0];

  it("the recorded certificate is what the README says (a check of the comparison's reference)", () => {
    const structure = certificateStructure(recordedPem);
    expect(structure).toMatchObject({
      version: 3,
      serialBytes: 8,
      signatureAlgorithm: "1.2.840.113549.1.1.11",
      publicKey: { type: "rsa", bits: 4096, exponent: 65537n },
      signatureBytes: 512,
    });
    expect(structure.issuer.map((a) => `${a.type}=${a.value}`)).toEqual([
      `CN=${RECORDED_ISSUER_GROUP}`,
      "OU=Atlas",
      "O=MongoDB Inc",
    ]);
    expect(decimalSerial(recordedPem)).toBe("1976722359483124370");
  });

  it("issues RSA 4096 by default, structured exactly like the recorded certificate, under the recorded headers", async () => {
    const atlas4096 = await startEmulator({ seedUsers: [{ username: "user389", x509Type: "MANAGED" }] });
    try {
      const caller = new AtlasCaller(atlas4096);
      const group = atlas4096.projectId;
      const created = await caller.call("POST", `/groups/${group}/databaseUsers/user389/certs`, {
        body: { monthsUntilExpiration: 3 },
      });
      expectHeadersLike(created, recordedCreate);
      expect(created.headers["ratelimit-remaining"]).toBe(recordedCreate.headers["ratelimit-remaining"]);

      // The body: the certificate PEM as recorded (64-column base64, LF), then where the recorder wrote REDACTED,
      // the PKCS#8 private key that pre-2026-07 recordings still showed.
      const pem =
        /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n/.exec(
          created.text,
        )![0];
      expect(recordedPem).toMatch(
        /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/,
      );
      expect(recordedCreate.body.slice(recordedPem.length)).toBe("REDACTED\n");
      const keyPem = created.text.slice(pem.length);
      expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
      const certificate = new X509Certificate(pem);
      expect(certificate.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);

      const ours = certificateStructure(pem);
      const theirs = certificateStructure(recordedPem);
      const issuerOf = (s: typeof ours, group: string) =>
        s.issuer.map((a) => ({ ...a, value: a.value.replace(group, "<groupId>") }));
      expect({ ...ours, issuer: issuerOf(ours, group) }).toEqual({
        ...theirs,
        issuer: issuerOf(theirs, RECORDED_ISSUER_GROUP),
      });

      // Times, as recorded: notBefore = the response's Date - 1 h; notAfter = Date + 3 months.
      const recordedDate = Date.parse(recordedCreate.headers.date!);
      const recordedCert = new X509Certificate(recordedPem);
      expect(Date.parse(recordedCert.validFrom)).toBe(recordedDate - HOUR_MS);
      expect(Date.parse(recordedCert.validTo)).toBe(Date.UTC(2026, 10, 10, 3, 6, 35));
      const date = Date.parse(created.headers.date as string);
      const notBefore = Date.parse(certificate.validFrom);
      expect(Math.abs(notBefore - (date - HOUR_MS))).toBeLessThanOrEqual(2000);
      const issued = new Date(notBefore + HOUR_MS);
      const expectedNotAfter = new Date(issued);
      expectedNotAfter.setUTCMonth(issued.getUTCMonth() + 3);
      if (expectedNotAfter.getUTCDate() === issued.getUTCDate()) {
        expect(Date.parse(certificate.validTo)).toBe(expectedNotAfter.getTime());
      }

      // The list, as recorded: same bucket (1198 after the POST's 1199), `_id` = the serial as a bare integer,
      // createdAt = notBefore, the recorded self link.
      const recordedList = loadRecording("certs-list-200-single");
      const listed = await caller.call("GET", `/groups/${group}/databaseUsers/user389/certs`);
      expectHeadersLike(listed, recordedList);
      expect(listed.headers["ratelimit-remaining"]).toBe("1198");
      expect(shapeText(listed.text)).toBe(shapeText(recordedList.body));
      const serial = decimalSerial(pem);
      expect(listed.text).toContain(`"_id":${serial},`);
      const body = JSON.parse(listed.text) as { links: unknown; results: Array<Record<string, unknown>> };
      expect(body.links).toEqual(
        JSON.parse(localized(recordedList.body, group, atlas4096.baseUrl).replaceAll("user201", "user389")).links,
      );
      expect(body.results[0]).toMatchObject({
        createdAt: new Date(notBefore).toISOString().replace(".000Z", "Z"),
        notAfter: new Date(Date.parse(certificate.validTo)).toISOString().replace(".000Z", "Z"),
        groupId: group,
        subject: "CN=user389",
      });
      // The recorded list holds the same relations.
      const recordedItem = (
        JSON.parse(loadRecording("certs-list-200").body) as { results: Array<{ createdAt: string }> }
      ).results[1]!;
      expect(Date.parse(recordedItem.createdAt)).toBe(Date.parse(recordedCert.validFrom));
      expect(loadRecording("certs-list-200").body).toContain(`"_id":${decimalSerial(recordedPem)},`);
    } finally {
      await atlas4096.close();
    }
  });

  it("clamps notAfter to the month's end (Mar 31 + 3 months = Jun 30) and back-dates notBefore one hour", async () => {
    const projectId = await freshProject([["clamped", "MANAGED"]]);
    const issuedAt = Date.parse("2027-03-31T10:00:00Z");
    const before = Date.now();
    await emulator.control.setClockOffset(issuedAt - before);
    try {
      const created = await atlas.call("POST", `/groups/${projectId}/databaseUsers/clamped/certs`, {
        body: { monthsUntilExpiration: 3 },
      });
      const elapsed = Date.now() - before;
      const certificate = new X509Certificate(created.text);
      // Issued between issuedAt and issuedAt + elapsed; X.509 times are whole seconds.
      const within = (actual: number, expected: number) => {
        expect(actual).toBeGreaterThanOrEqual(expected - 1000);
        expect(actual).toBeLessThanOrEqual(expected + elapsed);
      };
      within(Date.parse(certificate.validFrom), issuedAt - HOUR_MS);
      within(Date.parse(certificate.validTo), Date.parse("2027-06-30T10:00:00Z"));
    } finally {
      await emulator.control.setClockOffset(0);
    }
  });

  it("writes names outside PrintableString's alphabet as UTF8String (a guess: Atlas's choice is unrecorded)", async () => {
    const projectId = await freshProject([
      ["svc_reports", "MANAGED"],
      ["orders-api.v2", "MANAGED"],
    ]);
    const subjects = [];
    for (const username of ["svc_reports", "orders-api.v2"]) {
      const created = await atlas.call("POST", `/groups/${projectId}/databaseUsers/${username}/certs`, {
        body: { monthsUntilExpiration: 1 },
      });
      subjects.push(certificateStructure(created.text).subject);
    }
    expect(subjects).toEqual([
      [{ type: "CN", tag: "UTF8String", value: "svc_reports" }],
      [{ type: "CN", tag: "PrintableString", value: "orders-api.v2" }],
    ]);
  });
});
