// CustomerX509ConfigProvider against the emulator over real HTTP: the bundle's lifecycle, adoption of an
// existing bundle, drift from out-of-band edits, and the LDAP half of userSecurity left untouched throughout.
import { AtlasApiError } from "../../provider/atlas/errors";
import {
  CustomerX509ConfigProvider,
  type CustomerX509ConfigInputs,
  type CustomerX509ConfigOutputs,
} from "../../provider/resources/customerX509Config";
import { startEmulator, type Emulator } from "../../emulator";
import { daysFromNow, makeCertificate } from "../../scripts/lib/pki";
import { providerHarness } from "../support/provider-harness";

const GET = "GET /groups/{groupId}/userSecurity";
const PATCH = "PATCH /groups/{groupId}/userSecurity";
const DELETE = "DELETE /groups/{groupId}/userSecurity/customerX509";

const root = makeCertificate({ commonName: "Corp Root CA" });
const intermediate = makeCertificate({ commonName: "Corp Issuing CA", issuer: root });
const otherCa = makeCertificate({ commonName: "Someone Else's CA" });
const chain = root.certificatePem + intermediate.certificatePem;

let emulator: Emulator;
let provider: CustomerX509ConfigProvider;
let warnings: string[];

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048 });
  const harness = providerHarness(emulator);
  provider = new CustomerX509ConfigProvider(harness.context);
  warnings = harness.warnings;
});
afterAll(() => emulator.close());
beforeEach(() => {
  warnings.length = 0;
});

/** A fresh project with the emulator's sample LDAP settings, and its LDAP section as JSON text. */
async function freshProject(): Promise<{ projectId: string; ldap: () => Promise<string> }> {
  const projectId = await emulator.control.createProject();
  await emulator.control.setLdap(projectId, {
    hostname: "ldap.example.com",
    port: 636,
    bindUsername: "CN=svc,DC=example,DC=com",
    authenticationEnabled: true,
  });
  const ldap = async () => JSON.stringify((await emulator.control.userSecurity(projectId)).ldap);
  await emulator.control.resetRequests();
  return { projectId, ldap };
}

function inputs(projectId: string, cas = chain): CustomerX509ConfigInputs {
  return { projectId, cas, expiryWarningDays: 30 };
}

describe("create", () => {
  it("enables the bundle on an empty project with one PATCH, leaving LDAP as it was", async () => {
    const { projectId, ldap } = await freshProject();
    const ldapBefore = await ldap();
    const { id, outs } = await provider.create(inputs(projectId));
    expect(id).toBe(projectId);
    expect(await emulator.control.counts()).toEqual({ [GET]: 1, [PATCH]: 1 });
    const patch = (await emulator.control.requests()).find((r) => r.method === "PATCH");
    expect(patch?.status).toBe(202);
    expect((await emulator.control.userSecurity(projectId)).customerX509?.cas).toBe(chain);
    expect(outs?.certificates.map((c) => c.subject)).toEqual([root.subject, intermediate.subject]);
    expect(outs?.earliestNotAfter).toBe(outs?.certificates.map((c) => c.notAfter).sort()[0]);
    expect(await ldap()).toBe(ldapBefore);
    expect(warnings).toEqual([]);
  });

  it("takes over a different existing bundle and warns what it replaced", async () => {
    const { projectId, ldap } = await freshProject();
    await emulator.control.setCustomerX509(projectId, otherCa.certificatePem);
    const ldapBefore = await ldap();
    await provider.create(inputs(projectId));
    expect((await emulator.control.userSecurity(projectId)).customerX509?.cas).toBe(chain);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("takes over");
    expect(warnings[0]).toContain(otherCa.subject);
    expect(await ldap()).toBe(ldapBefore);
  });

  it("adopts the same bundle silently, whatever its line endings", async () => {
    const { projectId } = await freshProject();
    await emulator.control.setCustomerX509(projectId, chain.replace(/\n/g, "\r\n"));
    await provider.create(inputs(projectId));
    expect(warnings).toEqual([]);
  });

  it("surfaces Atlas's rejection of an expired CA with its code", async () => {
    const { projectId } = await freshProject();
    const expired = makeCertificate({
      commonName: "Expired CA",
      notBefore: daysFromNow(-100),
      notAfter: daysFromNow(-1),
    });
    // check would have refused it; this proves the Atlas error is still clear when it comes from Atlas.
    const failure = provider.create(inputs(projectId, expired.certificatePem));
    await expect(failure).rejects.toBeInstanceOf(AtlasApiError);
    await expect(failure).rejects.toMatchObject({ status: 400, errorCode: "EXPIRED_X509_CA_CERTIFICATE" });
  });
});

describe("update", () => {
  it("changes the bundle in place with one PATCH", async () => {
    const { projectId, ldap } = await freshProject();
    const { outs } = await provider.create(inputs(projectId, root.certificatePem));
    const ldapBefore = await ldap();
    await emulator.control.resetRequests();
    const updated = await provider.update(projectId, outs as CustomerX509ConfigOutputs, inputs(projectId, chain));
    expect(await emulator.control.counts()).toEqual({ [PATCH]: 1 });
    expect(updated.outs?.certificates).toHaveLength(2);
    expect(await ldap()).toBe(ldapBefore);
  });

  it("makes no call when only the text or expiryWarningDays changed", async () => {
    const { projectId } = await freshProject();
    const { outs } = await provider.create(inputs(projectId));
    await emulator.control.resetRequests();
    const updated = await provider.update(projectId, outs as CustomerX509ConfigOutputs, {
      ...inputs(projectId, `\n${chain}\n`),
      expiryWarningDays: 90,
    });
    expect(await emulator.control.counts()).toEqual({});
    expect(updated.outs?.expiryWarningDays).toBe(90);
    expect(updated.outs?.cas).toBe(chain);
  });
});

describe("read", () => {
  it("keeps the state when nothing changed", async () => {
    const { projectId } = await freshProject();
    const { outs } = await provider.create(inputs(projectId));
    expect(await provider.read(projectId, outs as CustomerX509ConfigOutputs)).toEqual({ id: projectId, props: outs });
  });

  it("shows a bundle changed out of band as the new state", async () => {
    const { projectId } = await freshProject();
    const { outs } = await provider.create(inputs(projectId));
    await emulator.control.setCustomerX509(projectId, otherCa.certificatePem);
    const read = await provider.read(projectId, outs as CustomerX509ConfigOutputs);
    expect(read.props?.cas).toBe(otherCa.certificatePem);
    expect(read.props?.certificates.map((c) => c.subject)).toEqual([otherCa.subject]);
  });

  it("reports a bundle cleared out of band as gone", async () => {
    const { projectId, ldap } = await freshProject();
    const { outs } = await provider.create(inputs(projectId));
    const ldapBefore = await ldap();
    await emulator.control.setCustomerX509(projectId, null);
    expect(await provider.read(projectId, outs as CustomerX509ConfigOutputs)).toEqual({});
    expect(await ldap()).toBe(ldapBefore);
  });
});

describe("delete", () => {
  it("disables customer X.509 in the project with one DELETE, leaving LDAP as it was", async () => {
    const { projectId, ldap } = await freshProject();
    const { outs } = await provider.create(inputs(projectId));
    const ldapBefore = await ldap();
    await emulator.control.resetRequests();
    await provider.delete(projectId, outs as CustomerX509ConfigOutputs);
    expect(await emulator.control.counts()).toEqual({ [DELETE]: 1 });
    const security = await emulator.control.userSecurity(projectId);
    expect(security.customerX509?.cas ?? "").toBe("");
    expect(await ldap()).toBe(ldapBefore);
  });
});

describe("check", () => {
  it("warns about CAs that expire within expiryWarningDays, without failing", async () => {
    const soon = makeCertificate({ commonName: "Short CA", notAfter: daysFromNow(10) });
    const { failures } = await provider.check({}, inputs("0123456789abcdef01234567", soon.certificatePem + chain));
    expect(failures).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`CA "${soon.subject}" expires on`)]);
  });
});
