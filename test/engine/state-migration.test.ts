// A stack whose state version 0.1.0 wrote: each ManagedX509Certificate stored certificateKeyPem (secret), notBefore
// and sha256Fingerprint beside the certificate and its key. This version derives them in the program instead.
// Such a stack must preview, refresh and update with no diff and no replacement, through the real engine. On the
// dynamic route only: 0.1.0 stored those outputs before the provider plugin existed, whose state never held them.
//
// The old state is made the way a user's export of it looks: certificates issued, the stack exported with its
// secrets, the three outputs added to each certificate as 0.1.0 computed them (certificate then key; from the
// certificate, as its outputsFromIssuedPem did), and the deployment imported back (`pulumi stack import`
// encrypts the secret again).
import { startEmulator, type Emulator } from "../../emulator";
import { describeCertificate, parseCertificate } from "../../provider/pem";
import { EngineStack, emulatorConfig } from "../../scripts/lib/engine";
import type { StackResult } from "../../scripts/lib/stack-cli";
import { resourcesOfType, type DeployedResource } from "../support/state";

const TYPE = "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const legacyKeys = ["certificateKeyPem", "notBefore", "sha256Fingerprint"];
const users = ["orders-api", "billing.worker"];

let emulator: Emulator;
let stack: EngineStack;
/** Per URN: the outputs 0.1.0 stored, in plaintext. */
const legacy = new Map<string, { certificateKeyPem: string; notBefore: string; sha256Fingerprint: string }>();

beforeAll(async () => {
  emulator = await startEmulator({
    keyBits: 2048,
    seedUsers: users.map((username) => ({ username, x509Type: "MANAGED" as const })),
  });
  stack = EngineStack.create({
    program: "scripts/programs/managed/index.ts",
    projectName: "state-migration",
    config: {
      projectId: { value: emulator.projectId },
      usernames: { value: JSON.stringify(users) },
      ...emulatorConfig(emulator),
    },
  });
});
afterAll(async () => {
  stack.dispose();
  await emulator.close();
});

function ok(result: StackResult): StackResult {
  expect(result.error).toBeUndefined();
  expect(result.ok).toBe(true);
  return result;
}

async function certificates(): Promise<DeployedResource[]> {
  const resources = resourcesOfType(ok(await stack.export()).deployment, TYPE);
  expect(resources).toHaveLength(users.length);
  // In the program's order (resources are named by user): the order in a state is not meaningful, and an update
  // may change it.
  const position = (r: DeployedResource) => users.indexOf(r.urn.split("::").pop()!);
  return resources.sort((a, b) => position(a) - position(b));
}

const plaintextOf = (secret: unknown) => JSON.parse((secret as { plaintext: string }).plaintext) as string;
const asSecret = (value: string) => ({ [SECRET_SIG]: SECRET_VALUE, plaintext: JSON.stringify(value) });

describe("on the dynamic route only (0.1.0 had no provider plugin)", () => {
  it("starts from a state written by version 0.1.0: certificateKeyPem, notBefore and sha256Fingerprint stored", async () => {
    ok(await stack.up());
    const exported = ok(await stack.export({ showSecrets: true })).deployment as { resources: DeployedResource[] };
    for (const resource of resourcesOfType(exported, TYPE)) {
      for (const key of legacyKeys) expect(resource.outputs).not.toHaveProperty(key);
      const certificatePem = resource.outputs.certificatePem as string;
      const info = describeCertificate(parseCertificate(certificatePem));
      const old = {
        certificateKeyPem: certificatePem + plaintextOf(resource.outputs.privateKeyPem),
        notBefore: info.notBefore,
        sha256Fingerprint: info.sha256Fingerprint,
      };
      legacy.set(resource.urn, old);
      resource.outputs = { ...resource.outputs, ...old, certificateKeyPem: asSecret(old.certificateKeyPem) };
    }
    ok(await stack.import(exported));

    for (const resource of await certificates()) {
      expect(resource.outputs.certificateKeyPem).toHaveProperty("ciphertext");
      expect(resource.outputs.notBefore).toBe(legacy.get(resource.urn)?.notBefore);
      expect(resource.outputs.sha256Fingerprint).toBe(legacy.get(resource.urn)?.sha256Fingerprint);
    }
    expect(legacy.size).toBe(users.length);
  });

  it("previews with no changes and no Atlas request", async () => {
    await emulator.control.resetRequests();
    const preview = ok(await stack.preview({ expectNoChanges: true, diff: true }));
    expect(preview.changeSummary).toEqual({ same: users.length + 1 });
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("refreshes with no drift, one listing per user, the stored outputs left as they are", async () => {
    const before = await certificates();
    await emulator.control.resetRequests();
    const refresh = ok(await stack.refresh({ expectNoChanges: true }));
    expect(refresh.changeSummary).toEqual({ same: users.length + 1 });
    expect(refresh.changedProperties).toEqual({});
    expect(Object.keys(await emulator.control.counts())).toEqual([
      "GET /groups/{groupId}/databaseUsers/{username}/certs",
    ]);
    const after = await certificates();
    // Sorted: the engine may write resources that nothing orders in a different order after a refresh.
    const serialsOf = (resources: DeployedResource[]) => resources.map((r) => String(r.outputs.serialNumber)).sort();
    expect(serialsOf(after)).toEqual(serialsOf(before));
    for (const resource of after) expect(Object.keys(resource.outputs)).toEqual(expect.arrayContaining(legacyKeys));
  });

  it("runs up with no changes, and the program's certificateKeyPem is what 0.1.0 stored, still secret", async () => {
    await emulator.control.resetRequests();
    const up = ok(await stack.up({ expectNoChanges: true }));
    expect(up.changeSummary).toEqual({ same: users.length + 1 });
    expect(await emulator.control.requests()).toEqual([]);
    const [first] = await certificates();
    expect(up.outputs?.firstCertificateKeyPem).toEqual({
      value: legacy.get(first.urn)?.certificateKeyPem,
      secret: true,
    });
  });

  it("updates in place without a replacement, and the update drops what this version derives", async () => {
    const serials = (await certificates()).map((r) => r.outputs.serialNumber);
    stack.config.renewBeforeDays = { value: "5" };
    await emulator.control.resetRequests();
    const up = ok(await stack.up({ diff: true }));
    expect(up.changeSummary).toEqual({ same: 1, update: users.length });
    expect(Object.values(up.steps).filter((op) => op !== "same" && op !== "update")).toEqual([]);
    expect(await emulator.control.requests()).toEqual([]);

    const after = await certificates();
    expect(after.map((r) => r.outputs.serialNumber)).toEqual(serials);
    for (const resource of after) {
      for (const key of legacyKeys) expect(resource.outputs).not.toHaveProperty(key);
      expect(resource.outputs.renewBeforeDays).toBe(5);
      expect(resource.outputs.privateKeyPem).toHaveProperty("ciphertext");
    }
    expect(up.outputs?.firstCertificateKeyPem).toEqual({
      value: legacy.get(after[0].urn)?.certificateKeyPem,
      secret: true,
    });

    // The migrated state previews and refreshes clean too.
    ok(await stack.preview({ expectNoChanges: true }));
    ok(await stack.refresh({ expectNoChanges: true }));
    expect(ok(await stack.destroy()).changeSummary).toEqual({ delete: users.length + 1 });
  });
});
