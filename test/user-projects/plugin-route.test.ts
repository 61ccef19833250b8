// TypeScript programs on the provider plugin's resources (`pulumi-atlas-x509/plugin`), the way a user runs them,
// and a stack's move there from the dynamic resources: the user's edit (import path, `aliases`, the Pulumi.yaml
// `plugins:` entry, the settings under `atlas-x509:`) made to a stack that `pulumi up` built on the dynamic route.
// The steps of one stack build on each other and say so in their names.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { repoRoot } from "../../scripts/lib/repo-root";
import type { UserProject } from "../../scripts/lib/user-project";
import {
  atlasCalls,
  CUSTOMER_X509_CONFIG,
  initStack,
  MANAGED_CERTIFICATE,
  PLUGIN_CUSTOMER_X509_CONFIG,
  PLUGIN_MANAGED_CERTIFICATE,
  PLUGIN_PROVIDER,
  plainSecretsIn,
  resourcesOf,
  setCredentials,
  userProjectFrom,
} from "../support/user-projects";
import { typeScriptSamples } from "../support/documentation";
import { opensslCheck } from "../support/x509-checks";

jest.setTimeout(300_000);

interface ClientOutput {
  certificateKeyPem: string;
  serialNumber: string;
}

const services = ["orders-api", "billing-worker"];
const seedUsers = services.map((username) => ({ username, x509Type: "MANAGED" as const }));

/** Each service's PEM from the `clients` output, checked by openssl against the project's CA; returns the serials. */
async function verifiedSerials(project: UserProject, emulator: Emulator): Promise<Record<string, string>> {
  const output = await project.pulumiOk(["stack", "output", "clients", "--json", "--show-secrets"]);
  const clients = JSON.parse(output.stdout) as Record<string, ClientOutput>;
  const ca = await emulator.control.caCertificate(emulator.projectId);
  for (const client of Object.values(clients)) {
    expect(await opensslCheck(ca, client.certificateKeyPem)).toEqual({
      verify: "cert.pem: OK",
      keyMatches: true,
      serialNumber: client.serialNumber,
    });
  }
  return Object.fromEntries(Object.entries(clients).map(([name, client]) => [name, client.serialNumber]));
}

function entryBytes(entries: { urn: string }[]): Record<string, number> {
  return Object.fromEntries(entries.map((e) => [e.urn.split("::").pop()!, Buffer.byteLength(JSON.stringify(e))]));
}

/** What the migration guide in docs/import-and-migration.md tells a user to do to a project on the dynamic resources. */
function moveToPlugin(project: UserProject, pluginExample: string): void {
  fs.copyFileSync(path.join(repoRoot, "examples", pluginExample, "index.ts"), path.join(project.dir, "index.ts"));
  const programPath = path.join(project.dir, "Pulumi.yaml");
  const plugins = "plugins:\n  providers:\n    - name: atlas-x509\n      path: node_modules/.bin\n";
  fs.writeFileSync(programPath, fs.readFileSync(programPath, "utf8").replace(/^config:/m, `${plugins}config:`));
}

describe("examples/managed-certs-plugin as a user's project", () => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048, seedUsers });
    project = userProjectFrom("examples/managed-certs-plugin");
    await initStack(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("`pulumi up` issues the certificates through the plugin pinned to this package's version", async () => {
    await project.pulumiOk(["up", "--yes"]);
    const deployment = await project.exportState();
    const certificates = resourcesOf(deployment, PLUGIN_MANAGED_CERTIFICATE);
    expect(certificates).toHaveLength(services.length);
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    expect(resourcesOf(deployment, PLUGIN_PROVIDER).map((p) => p.inputs?.version)).toEqual([version]);
    for (const certificate of certificates) expect(certificate.outputs).not.toHaveProperty("__provider");
    expect(resourcesOf(deployment, MANAGED_CERTIFICATE)).toEqual([]);
  });

  it("after up, the PEMs pass openssl, and the state and backend hold no key or credential in plain text", async () => {
    const serials = await verifiedSerials(project, emulator);
    expect(Object.keys(serials).sort()).toEqual([...services].sort());
    const output = await project.pulumiOk(["stack", "output", "clients", "--json", "--show-secrets"]);
    const keys = Object.values(JSON.parse(output.stdout) as Record<string, ClientOutput>).map(
      (c) => c.certificateKeyPem,
    );
    const texts = [JSON.stringify(await project.exportState()), project.backendContents()];
    expect(plainSecretsIn(texts, emulator, keys)).toEqual([]);
  });

  it("after up, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do", async () => {
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
  });

  it("after up, `pulumi destroy` empties the stack", async () => {
    await project.pulumiOk(["destroy", "--yes"]);
    expect(resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE)).toEqual([]);
  });
});

describe("examples/customer-pki-plugin as a user's project", () => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048 });
    project = userProjectFrom("examples/customer-pki-plugin");
    await initStack(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("`pulumi up` uploads the bundle, and a refresh after it finds nothing to change", async () => {
    await project.pulumiOk(["up", "--yes"]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toContain("BEGIN CERTIFICATE");
    const [bundle] = resourcesOf(await project.exportState(), PLUGIN_CUSTOMER_X509_CONFIG);
    expect(bundle?.outputs).not.toHaveProperty("__provider");
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
  });

  it("after up, `pulumi destroy` disables self-managed X.509 in the project", async () => {
    await project.pulumiOk(["destroy", "--yes"]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toBeUndefined();
  });
});

describe("moving a stack of examples/managed-certs to the plugin resources with aliases", () => {
  let emulator: Emulator;
  let project: UserProject;
  let serialsBefore: Record<string, string>;
  /** Bytes of each certificate's state entry on the dynamic route, by resource name. */
  let dynamicEntryBytes: Record<string, number>;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048, seedUsers });
    project = userProjectFrom("examples/managed-certs");
    await initStack(project, emulator);
    await project.pulumiOk(["up", "--yes"]);
    serialsBefore = await verifiedSerials(project, emulator);
    dynamicEntryBytes = entryBytes(resourcesOf(await project.exportState(), MANAGED_CERTIFICATE));
    moveToPlugin(project, "managed-certs-plugin");
    await setCredentials(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("previews only the removal of the dynamic provider from each certificate's state: no replace, no Atlas call", async () => {
    await emulator.control.resetRequests();
    const preview = await project.pulumiOk(["preview", "--diff"]);
    expect(preview.stdout).toMatch(new RegExp(`~ 2 to update`));
    expect(preview.stdout).toMatch(/- __provider/);
    expect(preview.stdout).not.toMatch(/to replace|to create|to delete/);
    expect(await atlasCalls(emulator)).toEqual([]);
  });

  it("after the preview, `pulumi up` moves the certificates without any Atlas call and keeps them", async () => {
    await emulator.control.resetRequests();
    await project.pulumiOk(["up", "--yes"]);
    expect(await atlasCalls(emulator)).toEqual([]);
    const deployment = await project.exportState();
    expect(resourcesOf(deployment, MANAGED_CERTIFICATE)).toEqual([]);
    const moved = resourcesOf(deployment, PLUGIN_MANAGED_CERTIFICATE);
    expect(moved).toHaveLength(services.length);
    for (const certificate of moved) {
      expect(certificate.outputs).not.toHaveProperty("__provider");
      expect(certificate.outputs?.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    }
    for (const name of services) {
      expect(await emulator.control.issuedCertificates(emulator.projectId, name)).toHaveLength(1);
    }
    expect(await verifiedSerials(project, emulator)).toEqual(serialsBefore);
    // Without `__provider`, the same certificate's entry is no larger, derived outputs included.
    for (const [name, bytes] of Object.entries(entryBytes(moved))) {
      expect(bytes).toBeLessThanOrEqual(dynamicEntryBytes[name]!);
    }
  });

  it("after the move, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do", async () => {
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    expect(plainSecretsIn([JSON.stringify(await project.exportState()), project.backendContents()], emulator)).toEqual(
      [],
    );
  });
});

describe("moving a stack of examples/customer-pki to the plugin resources with aliases", () => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048 });
    project = userProjectFrom("examples/customer-pki");
    await initStack(project, emulator);
    await project.pulumiOk(["up", "--yes"]);
    expect(resourcesOf(await project.exportState(), CUSTOMER_X509_CONFIG)).toHaveLength(1);
    moveToPlugin(project, "customer-pki-plugin");
    await setCredentials(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("previews only the removal of the dynamic provider from the bundle's state: no replace, no Atlas write", async () => {
    await emulator.control.resetRequests();
    const preview = await project.pulumiOk(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ 1 to update/);
    expect(preview.stdout).toMatch(/- __provider/);
    expect(preview.stdout).not.toMatch(/to replace|to create|to delete/);
    expect((await atlasCalls(emulator)).filter((call) => !call.startsWith("GET"))).toEqual([]);
  });

  it("after the preview, `pulumi up` moves the bundle with no Atlas write: above all, no DELETE of userSecurity/customerX509", async () => {
    const casBefore = (await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas;
    await emulator.control.resetRequests();
    const up = await project.pulumiOk(["up", "--yes"]);
    expect(up.stdout).not.toMatch(/replaced|created|deleted/);
    expect((await atlasCalls(emulator)).filter((call) => !call.startsWith("GET"))).toEqual([]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toBe(casBefore);
    const deployment = await project.exportState();
    expect(resourcesOf(deployment, CUSTOMER_X509_CONFIG)).toEqual([]);
    const [moved] = resourcesOf(deployment, PLUGIN_CUSTOMER_X509_CONFIG);
    expect(moved?.outputs).not.toHaveProperty("__provider");
  });

  it("after the move, `refresh --expect-no-changes` agrees, and the plugin now owns the bundle: destroy disables it", async () => {
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    await project.pulumiOk(["destroy", "--yes"]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toBeUndefined();
  });
});

describe("the documentation's plugin sample as a user's program: an explicit Provider with keys of its own", () => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "reporting-job", x509Type: "MANAGED" }] });
    project = userProjectFrom("examples/managed-certs-plugin");
    const sample = typeScriptSamples().find((s) => s.code.includes("new Provider("))?.code;
    if (!sample) throw new Error("the documentation has no TypeScript sample with an explicit Provider");
    fs.writeFileSync(path.join(project.dir, "index.ts"), sample);
    await project.pulumiOk(["stack", "init", "dev"]);
    await project.setConfig("projectId", emulator.projectId); // declared by the example's Pulumi.yaml
    await project.setConfig("analyticsProjectId", emulator.projectId);
    await project.setConfig("analyticsPublicKey", emulator.credentials.publicKey);
    await project.setConfig("analyticsPrivateKey", emulator.credentials.privateKey, { secret: true });
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  // The sample leaves baseUrl unset: the explicit provider falls back to the environment for it, as documented.
  const env = () => ({ MONGODB_ATLAS_BASE_URL: emulator.baseUrl });

  it("`pulumi up` issues the certificate with the provider's keys, which stay ciphertext in the state", async () => {
    await project.pulumiOk(["up", "--yes"], { env: env() });
    expect(await emulator.control.issuedCertificates(emulator.projectId, "reporting-job")).toHaveLength(1);
    const deployment = await project.exportState();
    const [analytics] = resourcesOf(deployment, PLUGIN_PROVIDER).filter((p) => p.urn.endsWith("::analytics"));
    expect(JSON.stringify(analytics?.inputs?.privateKey)).toMatch(/ciphertext/);
    expect(analytics?.inputs).not.toHaveProperty("baseUrl");
    const [certificate] = resourcesOf(deployment, PLUGIN_MANAGED_CERTIFICATE);
    expect(certificate?.provider).toContain("::analytics::");
    expect(plainSecretsIn([JSON.stringify(deployment), project.backendContents()], emulator)).toEqual([]);
    const output = await project.pulumiOk(["stack", "output", "reportingCertificateKeyPem", "--show-secrets"]);
    const ca = await emulator.control.caCertificate(emulator.projectId);
    expect((await opensslCheck(ca, output.stdout)).verify).toBe("cert.pem: OK");
  });

  it("after up, `refresh --expect-no-changes` and `destroy` run through the same provider", async () => {
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"], { env: env() });
    await project.pulumiOk(["destroy", "--yes"], { env: env() });
    expect(resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE)).toEqual([]);
  });
});
