// The Go examples, the way a Go user runs them: a copy of the project folder whose go.mod points at the generated
// SDK (sdk/go), the provider plugin installed from its release archive with `pulumi plugin install`, and the `pulumi`
// CLI with the Go language host run in it against the emulator on loopback. Nothing the CLI starts finds a Node.js:
// PATH holds the CLI and Go only. The host compiles the program with `go build` on each run, in the shared Go build
// cache. The steps of one example build on each other and say so in their names.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { packageSchema } from "../../provider/plugin/schema";
import { startPluginServer, type PluginServer } from "../../scripts/lib/plugin-server";
import { releaseVersion } from "../../scripts/lib/release";
import { repoRoot } from "../../scripts/lib/repo-root";
import { buildSdkgen } from "../../scripts/lib/sdk-generation";
import type { UserProject } from "../../scripts/lib/user-project";
import {
  atlasCalls,
  expectClientsWork,
  expectDestroyWarnsUnderEachCertificate,
  expectNoChangesRefreshOnlyReading,
  expectPluginCertificatesIssued,
  goProjectFrom,
  initStack,
  installPluginFromRelease,
  PLUGIN_CUSTOMER_X509_CONFIG,
  PLUGIN_MANAGED_CERTIFICATE,
  plainSecretsIn,
  releaseArchive,
  resourcesOf,
} from "../support/user-projects";

// A cold Go build cache makes the first `go build` of a program take minutes.
jest.setTimeout(900_000);
const GO_RUN_TIMEOUT_MS = 840_000;

/** The version in package.json, which the release archive, its executable and the generated SDK carry. */
const version = releaseVersion();

describe("examples/go-managed-certs as a Go user's project", () => {
  let emulator: Emulator;
  let project: UserProject;
  const services = ["orders-api", "billing-worker"];

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
    });
    project = goProjectFrom("examples/go-managed-certs");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("has no npm in it: no package.json, no `plugins:` entry, only the CLI and Go on the PATH of the CLI and its plugins", async () => {
    expect(fs.readdirSync(project.dir).filter((file) => /^(package\.json|node_modules)$/.test(file))).toEqual([]);
    expect(fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8")).not.toMatch(/^plugins:/m);
    expect(project.path().filter((dir) => fs.existsSync(path.join(dir, "node")))).toEqual([]);
    expect(project.path().some((dir) => fs.existsSync(path.join(dir, "go")))).toBe(true);
  });

  it("`pulumi plugin install --server` puts the release archive's plugin in place, at the version the Go SDK names", async () => {
    await installPluginFromRelease(project);
    const plugins = await project.pulumiOk(["plugin", "ls", "--json"]);
    expect(JSON.parse(plugins.stdout)).toEqual([
      expect.objectContaining({ name: "atlas-x509", kind: "resource", version }),
    ]);
    const sdkPlugin = JSON.parse(
      fs.readFileSync(path.join(repoRoot, "sdk/go/atlasx509/pulumi-plugin.json"), "utf8"),
    ) as { version: string };
    expect(sdkPlugin.version).toBe(version);
    await initStack(project, emulator, "atlas-x509");
  });

  it("after the install, `pulumi preview` compiles the program and shows one certificate per service, without calling Atlas", async () => {
    const preview = await project.pulumiOk(["preview"], { timeoutMs: GO_RUN_TIMEOUT_MS });
    for (const name of services) {
      expect(preview.stdout).toMatch(new RegExp(`\\+ +${PLUGIN_MANAGED_CERTIFICATE} ${name} create`));
    }
    expect(await atlasCalls(emulator)).toEqual([]);
    process.stdout.write(`[go-examples] first preview (go build of the program): ${Math.round(preview.ms / 1000)} s\n`);
  });

  it("after the preview, `pulumi up` issues both certificates; the state holds no __provider, credential or key", async () => {
    const up = await project.pulumiOk(["up", "--yes"], { timeoutMs: GO_RUN_TIMEOUT_MS });
    expect(up.stdout).toMatch(/\+ 3 created/);
    process.stdout.write(`[go-examples] up (warm go build): ${Math.round(up.ms / 1000)} s\n`);
    await expectPluginCertificatesIssued(project, emulator, services);
  });

  it("after up, each service's PEM passes openssl and a TLS handshake, and is hidden without --show-secrets", async () => {
    await expectClientsWork(project, emulator, services);
  });

  it("after up, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do, refresh only reading", async () => {
    await expectNoChangesRefreshOnlyReading(project, emulator, { timeoutMs: GO_RUN_TIMEOUT_MS });
  });

  it("after up, `pulumi destroy` empties the stack and says, under each certificate, that it stays valid", async () => {
    await expectDestroyWarnsUnderEachCertificate(project, services.length, { timeoutMs: GO_RUN_TIMEOUT_MS });
  });
});

describe("examples/go-customer-pki adopting a project's existing bundle with `pulumi import`", () => {
  let emulator: Emulator;
  let project: UserProject;
  const bundle = fs.readFileSync(path.join(repoRoot, "examples/go-customer-pki/corp-ca.pem"), "utf8");

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048 });
    await emulator.control.setCustomerX509(emulator.projectId, bundle);
    project = goProjectFrom("examples/go-customer-pki");
    // As its README says: the archive as a file, with no download server.
    await project.pulumiOk(["plugin", "install", "resource", "atlas-x509", version, "--file", releaseArchive()]);
    await initStack(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("imports the bundle by project id with --generate-code=false, only reading Atlas", async () => {
    await emulator.control.resetRequests();
    await project.pulumiOk(
      ["import", PLUGIN_CUSTOMER_X509_CONFIG, "corp-pki", emulator.projectId, "--generate-code=false", "--yes"],
      { timeoutMs: GO_RUN_TIMEOUT_MS },
    );
    expect((await atlasCalls(emulator)).every((call) => call.startsWith("GET "))).toBe(true);
    const [imported] = resourcesOf(await project.exportState(), PLUGIN_CUSTOMER_X509_CONFIG);
    expect(imported?.id).toBe(emulator.projectId);
    expect(imported?.inputs?.projectId).toBe(emulator.projectId);
    expect(imported?.protect).toBe(true);
  });

  it("after the import, `preview --expect-no-changes` finds the Go program's bundle the same as Atlas's", async () => {
    await emulator.control.resetRequests();
    await project.pulumiOk(["preview", "--expect-no-changes"], { timeoutMs: GO_RUN_TIMEOUT_MS });
    expect(await atlasCalls(emulator)).toEqual([]);
  });

  it("after the import, `pulumi up` writes nothing to Atlas, lifts the protection, and the outputs list the bundle's CAs", async () => {
    await emulator.control.resetRequests();
    await project.pulumiOk(["up", "--yes", "--expect-no-changes"], { timeoutMs: GO_RUN_TIMEOUT_MS });
    expect((await atlasCalls(emulator)).filter((call) => !call.startsWith("GET"))).toEqual([]);
    const trusted = JSON.parse((await project.pulumiOk(["stack", "output", "trustedCas", "--json"])).stdout) as {
      subject: string;
    }[];
    expect(trusted.map((ca) => ca.subject)).toEqual([
      "CN=Example Corp Root CA,O=Example Corp",
      "CN=Example Corp Issuing CA,O=Example Corp",
    ]);
    const deployment = await project.exportState();
    // The program does not say pulumi.Protect(true), so the stack follows the program.
    expect(resourcesOf(deployment, PLUGIN_CUSTOMER_X509_CONFIG)[0]?.protect).toBeFalsy();
    const stackConfig = fs.readFileSync(path.join(project.dir, "Pulumi.dev.yaml"), "utf8");
    expect(plainSecretsIn([JSON.stringify(deployment), project.backendContents(), stackConfig], emulator)).toEqual([]);
  });

  it("after up, `refresh --expect-no-changes` agrees, and destroy disables self-managed X.509", async () => {
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"], { timeoutMs: GO_RUN_TIMEOUT_MS });
    await project.pulumiOk(["destroy", "--yes"], { timeoutMs: GO_RUN_TIMEOUT_MS });
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toBeUndefined();
  });
});

describe("a release's pluginDownloadURL, with the Go SDK generated from it", () => {
  // What a release does: it sets the URL in provider/plugin/distribution.ts and runs `npm run generate`. Here the
  // schema gets a URL under the reserved .invalid domain, and the CLI is sent to a loopback server instead by
  // PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES, as a mirror would be.
  const releaseHost = "https://releases.invalid/atlas-x509";
  let emulator: Emulator;
  let project: UserProject;
  let server: PluginServer;
  let generated: string;

  beforeAll(async () => {
    generated = fs.mkdtempSync(path.join(os.tmpdir(), "release-sdk-"));
    const schemaPath = path.join(generated, "schema.json");
    fs.writeFileSync(schemaPath, JSON.stringify({ ...packageSchema(version), pluginDownloadURL: releaseHost }));
    execFileSync(buildSdkgen(), [schemaPath, path.join(generated, "sdk")]);
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: ["orders-api", "billing-worker"].map((username) => ({ username, x509Type: "MANAGED" as const })),
    });
    project = goProjectFrom("examples/go-managed-certs", path.join(generated, "sdk", "go"));
    server = await startPluginServer([releaseArchive()]);
    await initStack(project, emulator, "atlas-x509");
  });
  afterAll(async () => {
    project?.dispose();
    await Promise.all([server?.close(), emulator?.close()]);
    fs.rmSync(generated, { recursive: true, force: true });
  });

  it("the SDK's pulumi-plugin.json names it, and the first preview installs the plugin from there with no `pulumi plugin install`", async () => {
    const sdkPlugin = JSON.parse(
      fs.readFileSync(path.join(generated, "sdk", "go", "atlasx509", "pulumi-plugin.json"), "utf8"),
    ) as unknown;
    expect(sdkPlugin).toEqual({ resource: true, name: "atlas-x509", version, server: releaseHost });
    expect(JSON.parse((await project.pulumiOk(["plugin", "ls", "--json"])).stdout)).toEqual([]);
    const env = {
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
      PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${releaseHost.replace(/\./g, "\\.")}=${server.url}`,
    };
    const preview = await project.pulumiOk(["preview"], { env, timeoutMs: GO_RUN_TIMEOUT_MS });
    expect(preview.stdout).toMatch(new RegExp(`\\+ +${PLUGIN_MANAGED_CERTIFICATE} orders-api create`));
    expect(server.requests).toContain(`GET /${path.basename(releaseArchive())} 200`);
    const listed = JSON.parse((await project.pulumiOk(["plugin", "ls", "--json"])).stdout) as unknown;
    expect(listed).toEqual([expect.objectContaining({ name: "atlas-x509", kind: "resource", version })]);
    expect(await atlasCalls(emulator)).toEqual([]);
  });
});
