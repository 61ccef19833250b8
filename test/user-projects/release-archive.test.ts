// The provider plugin's linux-amd64 release archive, as a user downloads it (built once by jest's globalSetup with
// scripts/lib/release.ts): what it holds, its executable run with nothing of Node.js around it, and the CLI
// installing it from the file. The YAML examples (yaml-examples.test.ts) run on it installed from a server; the
// linux-arm64 archive has release-arm64.test.ts.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pluginTypes from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import { startEmulator, type Emulator } from "../../emulator";
import { packageSchema } from "../../provider/plugin/schema";
import { providerProtocol, startPlugin, type PluginProcess } from "../../scripts/lib/plugin-process";
import { PLUGIN_EXECUTABLE, releaseVersion } from "../../scripts/lib/release";
import { repoRoot } from "../../scripts/lib/repo-root";
import type { UserProject } from "../../scripts/lib/user-project";
import { releaseArchive, userProjectFrom } from "../support/user-projects";

jest.setTimeout(120_000);

const version = releaseVersion();

describe("the release archive", () => {
  it("`npm run release` (its script, after the build) prints each platform's archive path, kept when nothing changed", () => {
    const run = spawnSync(process.execPath, [path.join(repoRoot, "dist", "scripts", "release.js")], {
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${releaseArchive("linux-amd64")}\n${releaseArchive("linux-arm64")}\n`);
    expect(run.stderr.match(/unchanged inputs, kept/g)).toHaveLength(2);
  });

  it("is named as `pulumi plugin install` asks for it, and holds the executable, LICENSE and README.md", () => {
    expect(path.basename(releaseArchive())).toBe(`pulumi-resource-atlas-x509-v${version}-linux-amd64.tar.gz`);
    const listing = execFileSync("tar", ["-tvzf", releaseArchive()], { encoding: "utf8" }).trim().split("\n");
    expect(listing.map((line) => line.split(/\s+/).pop()).sort()).toEqual(["LICENSE", "README.md", PLUGIN_EXECUTABLE]);
    expect(listing.find((line) => line.endsWith(PLUGIN_EXECUTABLE))).toMatch(/^-rwxr-xr-x /);
  });
});

describe("the release's executable, run with an empty environment (no PATH, no Node.js) in an empty folder", () => {
  const protocol = providerProtocol(repoRoot);
  let folder: string;
  let plugin: PluginProcess;
  let emulator: Emulator;

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "release-executable-"));
    execFileSync("tar", ["-xzf", releaseArchive(), "-C", folder]);
    emulator = await startEmulator({ keyBits: 2048 });
    plugin = await startPlugin(path.join(folder, PLUGIN_EXECUTABLE), { cwd: folder, env: {}, protocol });
  });
  afterAll(async () => {
    plugin?.stop();
    await emulator?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("answers GetPluginInfo with package.json's version, baked in (no package.json is anywhere near it)", async () => {
    const info = await plugin.call<pluginTypes.PluginInfo>("getPluginInfo", new protocol.empty());
    expect(info.getVersion()).toBe(version);
  });

  it("answers GetSchema with the schema of that version", async () => {
    const request = new protocol.messages.GetSchemaRequest!();
    const response = await plugin.call<providerTypes.GetSchemaResponse>("getSchema", request);
    expect(JSON.parse(response.getSchema())).toEqual(packageSchema(version));
  });

  it("checks a certificate's inputs after Configure, naming each bad field, with no stack trace", async () => {
    const configure = new protocol.messages.ConfigureRequest!();
    configure.setArgs!(protocol.struct({ baseUrl: emulator.baseUrl, ...emulator.credentials }));
    await plugin.call("configure", configure);
    const check = new protocol.messages.CheckRequest!();
    check.setUrn!("urn:pulumi:dev::project::atlas-x509:index:ManagedX509Certificate::app");
    check.setOlds!(protocol.struct({}));
    check.setNews!(protocol.struct({ projectId: "not-hex", username: "app", monthsUntilExpiration: 30 }));
    const response = await plugin.call<providerTypes.CheckResponse>("check", check);
    const failures = response.getFailuresList();
    expect(failures.map((f) => f.getProperty()).sort()).toEqual(["monthsUntilExpiration", "projectId"]);
    expect(failures.map((f) => f.getReason()).join("\n")).not.toMatch(/\n\s+at /);
    expect(plugin.stderr()).toBe("");
  });
});

describe("`pulumi plugin install --file` of the release archive", () => {
  let project: UserProject;

  beforeAll(() => {
    project = userProjectFrom("examples/yaml-customer-pki");
  });
  afterAll(() => project?.dispose());

  it("installs the plugin of package.json's version, whose schema `pulumi package get-schema` prints", async () => {
    await project.pulumiOk(["plugin", "install", "resource", "atlas-x509", version, "--file", releaseArchive()]);
    const listed = JSON.parse((await project.pulumiOk(["plugin", "ls", "--json"])).stdout) as { version: string }[];
    expect(listed.map((plugin) => plugin.version)).toEqual([version]);
    const schema = await project.pulumiOk(["package", "get-schema", "atlas-x509"]);
    expect(JSON.parse(schema.stdout)).toEqual(packageSchema(version));
  });
});
