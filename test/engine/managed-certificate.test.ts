// ManagedX509Certificate through the real Pulumi CLI and engine, against the emulator, on both routes: preview makes
// no Atlas call, up issues, refresh notices expiry, renewal shows as a replace, destroy forgets with a warning, and
// the state holds no secret in plain text.
import { startEmulator, type Emulator } from "../../emulator";
import { EngineStack, emulatorConfig } from "../../scripts/lib/engine";
import { routes } from "../../scripts/lib/routes";
import { findPlainSecrets, providerStrings, resourcesOfType } from "../support/state";

const CREATE = "POST /groups/{groupId}/databaseUsers/{username}/certs";
const LIST = "GET /groups/{groupId}/databaseUsers/{username}/certs";
const DAY_MS = 86_400_000;

jest.setTimeout(300_000);

describe.each(routes)("on the $name route", (route) => {
  const TYPE = route.types.ManagedX509Certificate;

  let emulator: Emulator;
  let stack: EngineStack;

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: [
        { username: "orders-api", x509Type: "MANAGED" },
        { username: "billing.worker", x509Type: "MANAGED" },
      ],
    });
    stack = EngineStack.create({
      program: "scripts/programs/managed/index.ts",
      projectName: `managed-engine-${route.name}`,
      route,
      config: {
        projectId: { value: emulator.projectId },
        usernames: { value: JSON.stringify(["orders-api", "billing.worker"]) },
        ...emulatorConfig(emulator, route),
      },
    });
  });
  afterAll(async () => {
    stack.dispose();
    await emulator.close();
  });

  async function serials(): Promise<string[]> {
    const exported = await stack.export();
    return resourcesOfType(exported.deployment, TYPE).map((r) => String(r.outputs.serialNumber));
  }

  it("previews two certificates without a single Atlas request", async () => {
    await emulator.control.resetRequests();
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(preview.changeSummary).toMatchObject({ create: 3 });
    expect(preview.output).toContain("ManagedX509Certificate");
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("issues one certificate per resource with one POST each, keys secret", async () => {
    // Atlas issues these "80 days ago" (its clock set back): 3-month certificates with about 11 days left, so the
    // renewal window can open in real time, which is the clock the provider judges it by.
    await emulator.control.setClockOffset(-80 * DAY_MS);
    await emulator.control.resetRequests();
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(await emulator.control.counts()).toEqual({ [CREATE]: 2 });
    expect(up.outputs?.firstPrivateKeyPem.secret).toBe(true);
    expect(up.outputs?.firstCertificateKeyPem.secret).toBe(true);
    expect(String(up.outputs?.firstCertificateKeyPem.value)).toContain("BEGIN PRIVATE KEY");
    const issued = await emulator.control.issuedCertificates(emulator.projectId, "billing.worker");
    expect(issued).toHaveLength(1);
    expect(await serials()).toContain(issued[0].serialNumber);
  });

  it("keeps secrets, credentials and code out of the state", async () => {
    const exported = await stack.export();
    const resources = resourcesOfType(exported.deployment, TYPE);
    expect(resources).toHaveLength(2);
    for (const resource of resources) {
      expect(resource.outputs.privateKeyPem).toHaveProperty("ciphertext");
      // Derived in the program from certificatePem and privateKeyPem, not stored; as a stack output, a secret.
      expect(resource.outputs).not.toHaveProperty("certificateKeyPem");
    }
    const [root] = resourcesOfType(exported.deployment, "pulumi:pulumi:Stack");
    expect(root.outputs.firstCertificateKeyPem).toHaveProperty("ciphertext");
    const secrets = [emulator.credentials.privateKey, "BEGIN PRIVATE KEY", "PRIVATE KEY-----"];
    expect(findPlainSecrets(JSON.stringify(exported.deployment), secrets)).toEqual([]);
    expect(findPlainSecrets(stack.backendContents(), secrets)).toEqual([]);
    if (route.name === "dynamic") {
      for (const provider of providerStrings(exported.deployment, TYPE)) {
        expect(provider.length).toBeLessThanOrEqual(1024);
        expect(provider).not.toContain(emulator.credentials.publicKey);
        expect(provider).not.toContain(emulator.baseUrl);
      }
    } else {
      for (const resource of resources) expect(resource.outputs).not.toHaveProperty("__provider");
    }
  });

  it("reports no changes on a second preview", async () => {
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.error).toBeUndefined();
  });

  it("refreshes unchanged certificates with one listing per user", async () => {
    await emulator.control.resetRequests();
    const refresh = await stack.refresh({ expectNoChanges: true });
    expect(refresh.error).toBeUndefined();
    expect((await emulator.control.counts())[LIST]).toBe(2);
  });

  it("updates renewBeforeDays in place without calling Atlas", async () => {
    stack.config.renewBeforeDays = { value: "5" };
    await emulator.control.resetRequests();
    const up = await stack.up();
    expect(up.changeSummary).toMatchObject({ update: 2 });
    expect(await emulator.control.counts()).toEqual({});
  });

  it("shows the renewal window as a replace in preview, and rotates on up", async () => {
    const before = await serials();
    stack.config.renewBeforeDays = { value: "20" };
    await emulator.control.resetRequests();
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).toMatchObject({ replace: 2 });
    // The replacement's reason, as `--diff` shows it: the certificate's notAfter.
    const certificates = Object.keys(preview.steps).filter((urn) => urn.includes(`::${TYPE}::`));
    expect(certificates).toHaveLength(2);
    for (const urn of certificates) expect(preview.changedProperties[urn]).toContain("notAfter");
    expect(preview.output).toMatch(/warning: .*expires on .*within renewBeforeDays \(20\): it is replaced/);
    expect(await emulator.control.requests()).toEqual([]);

    // Back to today: the successors get a full 3 months.
    await emulator.control.setClockOffset(0);
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(up.changeSummary).toMatchObject({ replace: 2 });
    const after = await serials();
    expect(after).toHaveLength(2);
    expect(after.filter((s) => before.includes(s))).toEqual([]);
    expect(up.output).toContain("stays valid until");
  });

  it("notices expired certificates on refresh and issues new ones on up", async () => {
    const before = await serials();
    // Out of band, time passes at Atlas until it no longer lists the certificates.
    await emulator.control.setClockOffset(120 * DAY_MS);
    const refresh = await stack.refresh();
    expect(refresh.error).toBeUndefined();
    expect(refresh.changeSummary).toMatchObject({ delete: 2 });

    await emulator.control.resetRequests();
    const up = await stack.up();
    expect(up.changeSummary).toMatchObject({ create: 2 });
    expect(await emulator.control.counts()).toMatchObject({ [CREATE]: 2 });
    expect((await serials()).filter((s) => before.includes(s))).toEqual([]);
    expect((await stack.refresh({ expectNoChanges: true })).error).toBeUndefined();
  });

  it("destroys without calling Atlas's write API and warns that certificates stay valid", async () => {
    await emulator.control.resetRequests();
    const destroy = await stack.destroy();
    expect(destroy.error).toBeUndefined();
    expect(destroy.changeSummary).toMatchObject({ delete: 3 });
    expect(destroy.output).toMatch(/warning: .*Atlas cannot revoke a certificate/);
    expect(Object.keys(await emulator.control.counts())).toEqual([]);
  });

  /** A preview of a new stack of the managed program with this config; it must fail before any Atlas request. */
  async function failingPreview(name: string, config: Record<string, { value: string; secret?: boolean }>) {
    const bad = EngineStack.create({
      program: "scripts/programs/managed/index.ts",
      projectName: `managed-engine-${name}-${route.name}`,
      route,
      config: { usernames: { value: JSON.stringify(["orders-api"]) }, ...config },
    });
    try {
      await emulator.control.resetRequests();
      const preview = await bad.preview();
      expect(preview.ok).toBe(false);
      expect(preview.error).not.toMatch(/\n\s+at .*\.js:\d+/);
      expect(await emulator.control.requests()).toEqual([]);
      return preview.error ?? "";
    } finally {
      bad.dispose();
    }
  }

  it("rejects bad inputs at preview, naming each field, before any Atlas request", async () => {
    const error = await failingPreview("bad-inputs", {
      projectId: { value: "not-a-project" },
      monthsUntilExpiration: { value: "30" },
      ...emulatorConfig(emulator, route),
    });
    expect(error).toMatch(/projectId/);
    expect(error).toMatch(/monthsUntilExpiration/);
  });

  it("rejects half-set credentials at preview, naming the missing setting, before any Atlas request", async () => {
    const error = await failingPreview("half-set", {
      projectId: { value: emulator.projectId },
      [route.settings.baseUrl]: { value: emulator.baseUrl },
      [route.settings.publicKey]: { value: emulator.credentials.publicKey, secret: true },
    });
    const property = route.settingProperties.privateKey;
    expect(error).toMatch(new RegExp(`property ${property} value \\{.*\\} has a problem: is not set`));
    expect(error).toContain(`pulumi config set --secret ${route.settings.privateKey}`);
    expect(error).not.toContain(emulator.credentials.publicKey);
  });
});
