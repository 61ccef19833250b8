// Project userSecurity: partial PATCH semantics (customerX509 and ldap stored separately), CA validation,
// write-only bindPassword, and DELETE .../customerX509.
import { validateRequest } from "../support/openapi";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, json, specErrors } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;
let path: string;
/** Another project's emulator CA: a valid (30-year) CA certificate to upload as a customer CA. */
let customerCa: string;
let secondCa: string;
let seededLdap: Record<string, unknown>;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "alice", x509Type: "MANAGED" }] });
  atlas = new AtlasCaller(emulator);
  path = `/groups/${emulator.projectId}/userSecurity`;
  customerCa = await emulator.control.caCertificate(await emulator.control.createProject());
  secondCa = await emulator.control.caCertificate(await emulator.control.createProject());
  seededLdap = (await emulator.control.userSecurity(emulator.projectId)).ldap!;
});
afterAll(() => emulator.close());
afterEach(async () => {
  await emulator.control.setCustomerX509(emulator.projectId, null);
  await emulator.control.setClockOffset(0);
  await emulator.control.setLdap(emulator.projectId, seededLdap);
});

/** The exact bytes of the "ldap" member in a response body (the last member: userSecurity has no links). */
function ldapText(text: string): string {
  const start = text.indexOf('"ldap":');
  expect(start).toBeGreaterThan(-1);
  expect(text.endsWith("}")).toBe(true);
  return text.slice(start, -1);
}

describe("userSecurity", () => {
  it("reports customerX509 as {} while disabled, with the seeded LDAP settings minus bindPassword", async () => {
    const response = await atlas.call("GET", path);
    expect(response.status).toBe(200);
    expect(specErrors(response)).toEqual([]);
    const body = json(response);
    expect(body.customerX509).toEqual({});
    expect(body.ldap).toMatchObject({
      hostname: "ldap.example.com",
      bindUsername: expect.stringContaining("CN=BindUser"),
    });
    expect(response.text).not.toContain("bindPassword");
    expect(Object.keys(body)).toEqual(["customerX509", "ldap"]);
  });

  it("PATCH customerX509 answers 202, stores cas exactly as sent and leaves ldap byte-identical", async () => {
    const before = await atlas.call("GET", path);
    const cas = `${customerCa}\n${secondCa}  \n`; // odd whitespace must survive untouched
    const body = { customerX509: { cas } };
    expect(validateRequest("v2", "PATCH", "/groups/{groupId}/userSecurity", JSON.stringify(body))).toEqual([]);
    const patched = await atlas.call("PATCH", path, { body });
    expect(patched.status).toBe(202);
    expect(specErrors(patched)).toEqual([]);
    expect(json(patched).customerX509).toEqual({ cas });
    const after = await atlas.call("GET", path);
    expect((json(after).customerX509 as { cas: string }).cas).toBe(cas);
    expect(ldapText(after.text)).toBe(ldapText(before.text));
    expect(ldapText(patched.text)).toBe(ldapText(before.text));
    expect((await emulator.control.userSecurity(emulator.projectId)).ldap).toMatchObject({
      bindPassword: expect.any(String),
    });
  });

  it("PATCH ldap leaves customerX509 alone and keeps bindPassword write-only", async () => {
    await atlas.call("PATCH", path, { body: { customerX509: { cas: customerCa } } });
    const patched = await atlas.call("PATCH", path, {
      body: { ldap: { hostname: "ldap2.example.com", bindPassword: "new-secret" } },
    });
    expect(patched.status).toBe(202);
    expect(json(patched)).toMatchObject({
      customerX509: { cas: customerCa },
      ldap: { hostname: "ldap2.example.com", port: 636 },
    });
    expect(patched.text).not.toContain("new-secret");
    expect(specErrors(patched)).toEqual([]);
    expect((await emulator.control.userSecurity(emulator.projectId)).ldap).toMatchObject({
      bindPassword: "new-secret",
    });
  });

  it("treats an empty PATCH body as no change", async () => {
    const before = await atlas.call("GET", path);
    const patched = await atlas.call("PATCH", path, { body: {} });
    expect(patched.status).toBe(202);
    expect(patched.text).toBe(before.text);
  });

  it.each([
    ["an empty cas", { customerX509: { cas: "" } }],
    ["whitespace only", { customerX509: { cas: " \n" } }],
    ["text without a certificate", { customerX509: { cas: "not a certificate" } }],
    [
      "a corrupt certificate block",
      { customerX509: { cas: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" } },
    ],
    ["a missing cas", { customerX509: {} }],
  ])("rejects %s with 400 INVALID_ATTRIBUTE and changes nothing", async (_name, body) => {
    const response = await atlas.call("PATCH", path, { body });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 400, errorCode: "INVALID_ATTRIBUTE" });
    expect(specErrors(response)).toEqual([]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509).toEqual({});
  });

  it("rejects a bundle containing an expired CA with 400 EXPIRED_X509_CA_CERTIFICATE", async () => {
    await emulator.control.advanceClock(31 * 366); // the emulator CAs are valid for 30 years
    const response = await atlas.call("PATCH", path, { body: { customerX509: { cas: `${secondCa}${customerCa}` } } });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ errorCode: "EXPIRED_X509_CA_CERTIFICATE" });
  });

  it("does not apply the ldap half of a PATCH whose customerX509 half is invalid", async () => {
    const before = await emulator.control.userSecurity(emulator.projectId);
    const response = await atlas.call("PATCH", path, {
      body: { customerX509: { cas: "" }, ldap: { hostname: "changed.example.com" } },
    });
    expect(response.status).toBe(400);
    expect(await emulator.control.userSecurity(emulator.projectId)).toEqual(before);
  });

  it("DELETE customerX509 answers 202 with customerX509 {} and ldap untouched; managed certs work again", async () => {
    await atlas.call("PATCH", path, { body: { customerX509: { cas: customerCa } } });
    const blocked = await atlas.call("POST", `/groups/${emulator.projectId}/databaseUsers/alice/certs`, { body: {} });
    expect(json(blocked)).toMatchObject({ errorCode: "CANNOT_GENERATE_CERT_IF_ADVANCED_X509" });

    const before = await atlas.call("GET", path);
    const deleted = await atlas.call("DELETE", `${path}/customerX509`);
    expect(deleted.status).toBe(202);
    expect(specErrors(deleted)).toEqual([]);
    expect(json(deleted).customerX509).toEqual({});
    expect(ldapText(deleted.text)).toBe(ldapText(before.text));
    const allowed = await atlas.call("POST", `/groups/${emulator.projectId}/databaseUsers/alice/certs`, { body: {} });
    expect(allowed.status).toBe(201);
  });

  it("serves the same semantics on v1.0", async () => {
    const patched = await atlas.call("PATCH", path, { api: "v1.0", body: { customerX509: { cas: customerCa } } });
    expect(patched.status).toBe(202);
    expect(patched.headers["content-type"]).toBe("application/json");
    expect(specErrors(patched)).toEqual([]);
    const deleted = await atlas.call("DELETE", `${path}/customerX509`, { api: "v1.0" });
    expect(deleted.status).toBe(202);
    expect(specErrors(deleted)).toEqual([]);
  });

  it("shows out-of-band CA edits made through the control API", async () => {
    await emulator.control.setCustomerX509(emulator.projectId, secondCa);
    expect(json(await atlas.call("GET", path)).customerX509).toEqual({ cas: secondCa });
  });
});
