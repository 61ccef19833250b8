// The Pulumi YAML examples, the way a user runs them: a copy of the folder (no package.json, no `plugins:` entry),
// the provider plugin installed from its release archive with `pulumi plugin install --server` from a loopback
// server, and the `pulumi` CLI with its YAML language host run in it against emulators on loopback, with no Node.js
// on the PATH of the CLI and the plugin. The steps of one example build on each other and say so in their names.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { packageSchema } from "../../provider/plugin/schema";
import { releaseVersion } from "../../scripts/lib/release";
import type { UserProject } from "../../scripts/lib/user-project";
import {
  atlasCalls,
  expectClientsWork,
  expectDestroyWarnsUnderEachCertificate,
  expectNoChangesRefreshOnlyReading,
  expectPluginCertificatesIssued,
  initStack,
  installPluginFromRelease,
  PLUGIN_CUSTOMER_X509_CONFIG,
  PLUGIN_MANAGED_CERTIFICATE,
  PLUGIN_PROVIDER,
  plainSecretsIn,
  projectWithEmulator,
  resourcesOf,
  twoOrganizationsProject,
  userProjectFrom,
} from "../support/user-projects";
import { opensslCheck } from "../support/x509-checks";

jest.setTimeout(300_000);

/** The version in package.json, which the release archive and its executable carry. */
const packageVersion = releaseVersion();

/** An entry of `pulumi plugin ls --json`. */
interface PluginListing {
  name: string;
  kind: string;
  version: string;
}

describe("examples/yaml-managed-certs as a user's project", () => {
  let emulator: Emulator;
  let project: UserProject;
  const services = ["orders-api", "billing-worker"];

  beforeAll(async () => {
    ({ emulator, project } = await projectWithEmulator("examples/yaml-managed-certs", services, "atlas-x509"));
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("fails the preview on bad settings, naming each key, echoing no secret, before any Atlas call", async () => {
    await project.setConfig("atlas-x509:requestTimeoutSeconds", "soon");
    await project.setConfig("atlas-x509:privateKey", "hunter2 with-a-space", { secret: true });
    await emulator.control.resetRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    const shown = preview.stdout + preview.stderr;
    expect(shown).toMatch(
      /pulumi:providers:atlas-x509 resource 'default': property requestTimeoutSeconds value \{soon\} has a problem: must be a whole number/,
    );
    expect(shown).toMatch(/property privateKey value \{\[secret\]\} has a problem: contains white space/);
    expect(shown).not.toContain("hunter2");
    expect(await atlasCalls(emulator)).toEqual([]);
    await project.pulumiOk(["config", "rm", "atlas-x509:requestTimeoutSeconds"]);
    await project.setConfig("atlas-x509:privateKey", emulator.credentials.privateKey, { secret: true });
  });

  it("has no npm in it: no package.json, no `plugins:` entry, no Node.js on the PATH of the CLI and its plugins", async () => {
    expect(fs.readdirSync(project.dir).filter((file) => /^(package\.json|node_modules)$/.test(file))).toEqual([]);
    expect(fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8")).not.toMatch(/^plugins:/m);
    expect(project.path().filter((dir) => fs.existsSync(path.join(dir, "node")))).toEqual([]);
  });

  it("`pulumi plugin ls` lists the plugin installed from the release, and `pulumi package get-schema` prints its schema", async () => {
    const listed = JSON.parse((await project.pulumiOk(["plugin", "ls", "--json"])).stdout) as PluginListing[];
    expect(listed.map(({ name, kind, version }) => ({ name, kind, version }))).toEqual([
      { name: "atlas-x509", kind: "resource", version: packageVersion },
    ]);
    const run = await project.pulumiOk(["package", "get-schema", "atlas-x509"]);
    expect(JSON.parse(run.stdout)).toEqual(packageSchema(packageVersion));
  });

  it("previews one certificate per service without calling Atlas", async () => {
    const preview = await project.pulumiOk(["preview"]);
    for (const name of services) {
      expect(preview.stdout).toMatch(new RegExp(`\\+ +${PLUGIN_MANAGED_CERTIFICATE} ${name} create`));
    }
    expect(await atlasCalls(emulator)).toEqual([]);
  });

  it("after the preview, `pulumi up` issues both certificates; the state holds no __provider, credential or key", async () => {
    const up = await project.pulumiOk(["up", "--yes"]);
    expect(up.stdout).toMatch(/\+ 3 created/);
    await expectPluginCertificatesIssued(project, emulator, services);
  });

  it("after up, each service's PEM passes openssl and a TLS handshake, and is hidden without --show-secrets", async () => {
    await expectClientsWork(project, emulator, services);
  });

  it("after up, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do, refresh only reading", async () => {
    await expectNoChangesRefreshOnlyReading(project, emulator);
  });

  it("after up, a changed renewBeforeDays previews as a detailed in-place update and applies without an Atlas write", async () => {
    const programPath = path.join(project.dir, "Pulumi.yaml");
    const program = fs.readFileSync(programPath, "utf8");
    fs.writeFileSync(programPath, program.replace("renewBeforeDays: 14", "renewBeforeDays: 20"));
    const preview = await project.pulumiOk(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ renewBeforeDays\s*: 14 => 20/);
    expect(preview.stdout).toMatch(/~ 1 to update/);
    await emulator.control.resetRequests();
    await project.pulumiOk(["up", "--yes"]);
    expect((await atlasCalls(emulator)).filter((call) => !call.startsWith("GET"))).toEqual([]);
    await project.pulumiOk(["preview", "--expect-no-changes"]);
  });

  it("after up, `pulumi import` of a certificate fails and says why: Atlas never returns an existing private key", async () => {
    const [first] = services;
    const run = await project.pulumi([
      "import",
      PLUGIN_MANAGED_CERTIFICATE,
      "adopted",
      `${emulator.projectId}-${first}`,
      "--yes",
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/private key/);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\.js:\d+/);
  });

  it("after up, `pulumi destroy` empties the stack and says, under each certificate, that it stays valid", async () => {
    await expectDestroyWarnsUnderEachCertificate(project, services.length);
  });
});

describe("examples/yaml-customer-pki adopting a project's existing bundle with `pulumi import`", () => {
  let emulator: Emulator;
  let project: UserProject;
  const bundle = fs.readFileSync(path.join(__dirname, "../../examples/yaml-customer-pki/corp-ca.pem"), "utf8");

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048 });
    await emulator.control.setCustomerX509(emulator.projectId, bundle);
    project = userProjectFrom("examples/yaml-customer-pki");
    await installPluginFromRelease(project);
    await initStack(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("imports the bundle by project id, only reading Atlas", async () => {
    await emulator.control.resetRequests();
    const run = await project.pulumiOk([
      "import",
      PLUGIN_CUSTOMER_X509_CONFIG,
      "corp-pki",
      emulator.projectId,
      "--yes",
    ]);
    expect((await atlasCalls(emulator)).every((call) => call.startsWith("GET "))).toBe(true);
    // The YAML that declares it, as the import prints it.
    expect(run.stdout).toMatch(
      /corp-pki:\s+type: atlas-x509:(index:)?CustomerX509Config\s+properties:\s+cas: \|\s+-----BEGIN CERTIFICATE-----/,
    );
    const [imported] = resourcesOf(await project.exportState(), PLUGIN_CUSTOMER_X509_CONFIG);
    expect(imported?.id).toBe(emulator.projectId);
    expect(imported?.inputs?.projectId).toBe(emulator.projectId);
    // As docs/import-and-migration.md says: an import protects what it adopts, and the printed YAML keeps it so.
    expect(imported?.protect).toBe(true);
    expect(run.stdout).toMatch(/options:\s+protect: true/);
  });

  it("after the import, `pulumi up` with the same bundle changes nothing, writes nothing and lifts the protection", async () => {
    await emulator.control.resetRequests();
    const up = await project.pulumiOk(["up", "--yes", "--expect-no-changes"]);
    expect(up.stdout).not.toMatch(/to update|to replace|to delete/);
    expect((await atlasCalls(emulator)).filter((call) => !call.startsWith("GET"))).toEqual([]);
    // The program does not say `protect: true`, so the stack follows the program.
    const [adopted] = resourcesOf(await project.exportState(), PLUGIN_CUSTOMER_X509_CONFIG);
    expect(adopted?.protect).toBeFalsy();
    const trusted = JSON.parse((await project.pulumiOk(["stack", "output", "trustedCas", "--json"])).stdout) as {
      subject: string;
    }[];
    expect(trusted.map((ca) => ca.subject)).toEqual([
      "CN=Example Corp Root CA,O=Example Corp",
      "CN=Example Corp Issuing CA,O=Example Corp",
    ]);
  });

  it("after the import, `refresh --expect-no-changes` agrees, and destroy disables self-managed X.509", async () => {
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    await project.pulumiOk(["destroy", "--yes"]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toBeUndefined();
  });

  it("an import with an id that is not a project id fails naming the id, and leaves the stack as it was", async () => {
    await emulator.control.resetRequests();
    const run = await project.pulumi(["import", PLUGIN_CUSTOMER_X509_CONFIG, "wrong", "not-a-project", "--yes"]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(
      /takes the project id as its id: must be an Atlas project id.*"not-a-project"/,
    );
    expect(await atlasCalls(emulator)).toEqual([]);
    expect(resourcesOf(await project.exportState(), PLUGIN_CUSTOMER_X509_CONFIG)).toEqual([]);
  });
});

describe("examples/yaml-two-organizations: two explicit providers, two Atlas organizations, one program", () => {
  let retail: Emulator;
  let analytics: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    [retail, analytics] = await Promise.all([
      startEmulator({ keyBits: 2048, seedUsers: [{ username: "checkout-api", x509Type: "MANAGED" }] }),
      startEmulator({ keyBits: 2048, seedUsers: [{ username: "reporting-job", x509Type: "MANAGED" }] }),
    ]);
    project = await twoOrganizationsProject({ retail, analytics });
  });
  afterAll(async () => {
    project?.dispose();
    await Promise.all([retail?.close(), analytics?.close()]);
  });

  it("`pulumi up` issues each certificate in its own organization, with that organization's keys", async () => {
    await project.pulumiOk(["up", "--yes"]);
    expect(await retail.control.issuedCertificates(retail.projectId, "checkout-api")).toHaveLength(1);
    expect(await analytics.control.issuedCertificates(analytics.projectId, "reporting-job")).toHaveLength(1);
    for (const [emulator, stranger] of [
      [retail, "reporting-job"],
      [analytics, "checkout-api"],
    ] as const) {
      expect((await atlasCalls(emulator)).some((call) => call.includes(stranger))).toBe(false);
    }
  });

  it("after up, each certificate verifies against its own organization's CA only", async () => {
    const output = async (name: string) =>
      JSON.parse((await project.pulumiOk(["stack", "output", name, "--json", "--show-secrets"])).stdout) as string;
    const checkout = await output("checkoutApiCertificateKeyPem");
    const reporting = await output("reportingJobCertificateKeyPem");
    const retailCa = await retail.control.caCertificate(retail.projectId);
    const analyticsCa = await analytics.control.caCertificate(analytics.projectId);
    expect((await opensslCheck(retailCa, checkout)).verify).toBe("cert.pem: OK");
    expect((await opensslCheck(analyticsCa, reporting)).verify).toBe("cert.pem: OK");
    await expect(opensslCheck(analyticsCa, checkout)).rejects.toThrow(/verif/i);
  });

  it("after up, both provider instances keep their private keys only as ciphertext, and no key is in plain text", async () => {
    const deployment = await project.exportState();
    const providers = resourcesOf(deployment, PLUGIN_PROVIDER).filter((p) => !p.urn.endsWith("::default"));
    expect(providers.map((p) => p.urn.split("::").pop()).sort()).toEqual(["analytics", "retail"]);
    for (const provider of providers) expect(JSON.stringify(provider.inputs?.privateKey)).toMatch(/ciphertext/);
    const texts = [JSON.stringify(deployment), project.backendContents()];
    expect(plainSecretsIn(texts, retail)).toEqual([]);
    expect(plainSecretsIn(texts, analytics)).toEqual([]);
  });

  it("after up, `refresh --expect-no-changes` reads each organization with its own keys, and destroy empties both", async () => {
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    const destroy = await project.pulumiOk(["destroy", "--yes"]);
    expect(destroy.stdout).toMatch(/- \d+ deleted/);
    expect(resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE)).toEqual([]);
  });
});
