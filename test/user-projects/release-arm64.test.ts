// The linux-arm64 release archive (built by jest's globalSetup with scripts/lib/release.ts). No machine here is an
// arm64 one, so its executable runs under qemu-aarch64: Debian's qemu-user, with the arm64 C libraries of
// libc6-arm64-cross and libstdc++6-arm64-cross (`.ci/run` installs them). The CLI cannot start an arm64 plugin
// itself here, so the executable is started by hand and the CLI attaches to it with PULUMI_DEBUG_PROVIDERS, as a
// contributor debugging the plugin does (CONTRIBUTING.md): the engine then talks to it as to a plugin it started.
// The steps build on each other and say so in their names.
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
import {
  expectCannotRevokeWarningUnderEach,
  expectClientsWork,
  expectPluginCertificatesIssued,
  initStack,
  releaseArchive,
  userProjectFrom,
} from "../support/user-projects";
import { waitUntil } from "../support/wait";

jest.setTimeout(300_000);

const version = releaseVersion();
const QEMU = "qemu-aarch64";
/** Where libc6-arm64-cross puts the arm64 dynamic loader and C libraries. */
const ARM64_LIBRARIES = "/usr/aarch64-linux-gnu";
/** ELF's e_machine for AArch64. */
const EM_AARCH64 = 183;
const services = ["orders-api", "billing-worker"];

function requireQemu(): void {
  const found = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
  if (found.status !== 0 || !fs.existsSync(path.join(ARM64_LIBRARIES, "lib", "ld-linux-aarch64.so.1"))) {
    throw new Error(
      `running the linux-arm64 plugin needs ${QEMU} and the arm64 C libraries: ` +
        "apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross",
    );
  }
}

describe("the linux-arm64 release archive", () => {
  let folder: string;
  const executable = () => path.join(folder, PLUGIN_EXECUTABLE);

  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "release-arm64-"));
    execFileSync("tar", ["-xzf", releaseArchive("linux-arm64"), "-C", folder]);
  });
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it("is named for linux-arm64 and holds an AArch64 executable, LICENSE and README.md", () => {
    expect(path.basename(releaseArchive("linux-arm64"))).toBe(`${PLUGIN_EXECUTABLE}-v${version}-linux-arm64.tar.gz`);
    expect(fs.readdirSync(folder).sort()).toEqual(["LICENSE", "README.md", PLUGIN_EXECUTABLE]);
    const header = fs.readFileSync(executable()).subarray(0, 20);
    expect(header.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(header.readUInt16LE(18)).toBe(EM_AARCH64);
    expect(fs.statSync(executable()).mode & 0o777).toBe(0o755);
  });

  describe(`its executable under ${QEMU}, started by hand with an empty environment (no PATH, no Node.js)`, () => {
    const protocol = providerProtocol(repoRoot);
    let plugin: PluginProcess;
    let emulator: Emulator;
    let project: UserProject;
    let attached: Record<string, string>;

    beforeAll(async () => {
      requireQemu();
      emulator = await startEmulator({
        keyBits: 2048,
        seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
      });
      plugin = await startPlugin(QEMU, {
        args: ["-L", ARM64_LIBRARIES, executable(), "--port", "0"],
        cwd: folder,
        env: {},
        protocol,
      });
      // No plugin is installed in the project: the only atlas-x509 plugin the engine can reach is the attached one.
      project = userProjectFrom("examples/yaml-managed-certs");
      await initStack(project, emulator, "atlas-x509");
      attached = { PULUMI_DEBUG_PROVIDERS: `atlas-x509:${plugin.port}` };
    });
    afterAll(async () => {
      plugin?.stop();
      project?.dispose();
      await emulator?.close();
    });

    it("answers GetPluginInfo with package.json's version and GetSchema with the schema of that version", async () => {
      const info = await plugin.call<pluginTypes.PluginInfo>("getPluginInfo", new protocol.empty());
      expect(info.getVersion()).toBe(version);
      const schema = await plugin.call<providerTypes.GetSchemaResponse>(
        "getSchema",
        new protocol.messages.GetSchemaRequest!(),
      );
      expect(JSON.parse(schema.getSchema())).toEqual(packageSchema(version));
    });

    it("serves `pulumi up` of examples/yaml-managed-certs: certificates that openssl and a TLS handshake accept", async () => {
      await project.pulumiOk(["up", "--yes"], { env: attached });
      await expectPluginCertificatesIssued(project, emulator, services);
      await expectClientsWork(project, emulator, services);
      // No atlas-x509 plugin is installed for the project's CLI: the attached one served the up.
      expect(JSON.parse((await project.pulumiOk(["plugin", "ls", "--json"])).stdout)).toEqual([]);
    });

    it("after up, serves `pulumi destroy`, its warnings under each certificate, each engine at its own address", async () => {
      await expectCannotRevokeWarningUnderEach(project, services, { env: attached });
      const served = () => [...plugin.stderr().matchAll(/serving the engine at (127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
      await waitUntil(() => Promise.resolve(new Set(served()).size >= 2));
      expect(plugin.stderr()).not.toMatch(/\n\s+at /);
    });
  });
});
