// CustomerX509Config through the real Pulumi CLI and engine, against the emulator, on both routes: preview writes
// nothing, whitespace never shows as a diff, an edit is an in-place update, drift is caught and repaired, destroy
// disables customer X.509, and the LDAP half of userSecurity is never touched.
import { startEmulator, type Emulator } from "../../emulator";
import { EngineStack, emulatorConfig } from "../../scripts/lib/engine";
import { routes } from "../../scripts/lib/routes";
import { makeCertificate } from "../../scripts/lib/pki";
import { providerStrings, resourcesOfType } from "../support/state";

const GET = "GET /groups/{groupId}/userSecurity";
const PATCH = "PATCH /groups/{groupId}/userSecurity";
const DELETE = "DELETE /groups/{groupId}/userSecurity/customerX509";

const root = makeCertificate({ commonName: "Corp Root CA" });
const intermediate = makeCertificate({ commonName: "Corp Issuing CA", issuer: root });
const rogue = makeCertificate({ commonName: "Rogue CA" });
const chain = root.certificatePem + intermediate.certificatePem;

// The engine runs several operations per test; a busy machine takes minutes, not the default 60 s.
jest.setTimeout(300_000);

describe.each(routes)("on the $name route", (route) => {
  const TYPE = route.types.CustomerX509Config;

  let emulator: Emulator;
  let stack: EngineStack;
  let ldapBefore: string;

  async function storedCas(): Promise<string | undefined> {
    return (await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas;
  }

  async function ldap(): Promise<string> {
    return JSON.stringify((await emulator.control.userSecurity(emulator.projectId)).ldap);
  }

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048 });
    ldapBefore = await ldap();
    stack = EngineStack.create({
      program: "scripts/programs/customer/index.ts",
      projectName: `customer-engine-${route.name}`,
      route,
      config: {
        projectId: { value: emulator.projectId },
        cas: { value: root.certificatePem },
        ...emulatorConfig(emulator, route),
      },
    });
  });
  afterAll(async () => {
    stack.dispose();
    await emulator.close();
  });
  afterEach(async () => {
    expect(await ldap()).toBe(ldapBefore);
  });

  it("previews the bundle without writing to Atlas", async () => {
    await emulator.control.resetRequests();
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(preview.changeSummary).toMatchObject({ create: 2 });
    expect(preview.output).toContain("CustomerX509Config");
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("enables the bundle on up with one PATCH, state kept small and readable", async () => {
    await emulator.control.resetRequests();
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(await emulator.control.counts()).toEqual({ [GET]: 1, [PATCH]: 1 });
    expect(await storedCas()).toBe(root.certificatePem);
    expect(up.outputs?.subjects.value).toEqual([root.subject]);
    const [resource] = resourcesOfType(up.deployment, TYPE);
    expect(resource.outputs.cas).toBe(root.certificatePem); // public material: not a secret
    if (route.name === "dynamic") {
      for (const provider of providerStrings(up.deployment, TYPE)) expect(provider.length).toBeLessThanOrEqual(1024);
    } else {
      expect(resource.outputs).not.toHaveProperty("__provider");
    }
  });

  it("shows no change for the same certificates with other line endings and blank lines", async () => {
    stack.config.cas = { value: `\r\n${root.certificatePem.replace(/\n/g, "\r\n")}\r\n\r\n` };
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.error).toBeUndefined();
  });

  it("previews an edited bundle as a detailed diff of cas, then updates it in place with one PATCH", async () => {
    stack.config.cas = { value: chain };
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).toMatchObject({ update: 1 });
    const [urn] =
      Object.entries(preview.steps).find(([key, op]) => key.includes(`::${TYPE}::`) && op === "update") ?? [];
    expect(preview.changedProperties[urn!]).toContain("cas");
    expect(preview.output).toMatch(/~ ?cas\b/);
    await emulator.control.resetRequests();
    const up = await stack.up();
    expect(up.changeSummary).toMatchObject({ update: 1 });
    expect(await emulator.control.counts()).toEqual({ [PATCH]: 1 });
    expect(await storedCas()).toBe(chain);
  });

  it("catches a bundle changed in the Atlas UI on refresh, and puts the declared one back on up", async () => {
    await emulator.control.setCustomerX509(emulator.projectId, rogue.certificatePem);
    const refresh = await stack.refresh();
    expect(refresh.changeSummary).toMatchObject({ update: 1 });
    expect(Object.values(refresh.changedProperties)).toContainEqual(expect.arrayContaining(["cas"]));
    // The state now holds what Atlas holds: the rogue CA, in the bundle and in what is derived from it.
    const [drifted] = resourcesOfType(refresh.deployment, TYPE);
    expect(drifted.outputs.cas).toBe(rogue.certificatePem);
    expect(drifted.outputs.certificates).toEqual([expect.objectContaining({ subject: rogue.subject })]);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 1 });
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(await storedCas()).toBe(chain);
    expect((await stack.preview({ refresh: true, expectNoChanges: true })).error).toBeUndefined();
  });

  it("catches a bundle cleared in the Atlas UI on refresh, and re-enables it on up", async () => {
    await emulator.control.setCustomerX509(emulator.projectId, null);
    const refresh = await stack.refresh();
    expect(refresh.changeSummary).toMatchObject({ delete: 1 });
    const up = await stack.up();
    expect(up.changeSummary).toMatchObject({ create: 1 });
    expect(await storedCas()).toBe(chain);
  });

  it("disables customer X.509 on destroy with one DELETE", async () => {
    await emulator.control.resetRequests();
    const destroy = await stack.destroy();
    expect(destroy.error).toBeUndefined();
    expect(await emulator.control.counts()).toEqual({ [DELETE]: 1 });
    expect((await storedCas()) ?? "").toBe("");
  });

  it("rejects a bundle holding a private key at preview without echoing it", async () => {
    const leaf = makeCertificate({ commonName: "alice", isCa: false, issuer: root });
    stack.config.cas = { value: chain + leaf.certificatePem + leaf.privateKeyPem };
    await emulator.control.resetRequests();
    const preview = await stack.preview();
    expect(preview.ok).toBe(false);
    expect(preview.error).toMatch(/property cas\[block 3\] .*not a CA certificate/);
    expect(preview.error).toMatch(/property cas\[block 4\] .*is a private key/);
    expect(preview.error).not.toContain(leaf.privateKeyPem.split("\n")[1]);
    expect(await emulator.control.requests()).toEqual([]);
  });
});
