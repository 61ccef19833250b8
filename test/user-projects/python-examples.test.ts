// The Python example, the way a user runs it: a copy of the folder with its own virtualenv (`pulumi` from PyPI at the
// version requirements.txt pins, and the generated SDK sdk/python installed with pip), the provider plugin installed
// from its release archive with `pulumi plugin install --server` on a loopback server (no `plugins:` entry, no
// Node.js on the CLI's PATH), and the `pulumi` CLI with its Python language host run in it against the emulator. The
// steps build on each other and say so in their names.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { repoRoot } from "../../scripts/lib/repo-root";
import type { RunOptions, UserProject } from "../../scripts/lib/user-project";
import { createVirtualenv, type Virtualenv } from "../support/python-project";
import {
  atlasCalls,
  expectDestroyWarnsUnderEachCertificate,
  expectNoChangesRefreshOnlyReading,
  expectPluginCertificatesIssued,
  initStack,
  installPluginFromRelease,
  PLUGIN_MANAGED_CERTIFICATE,
  plainSecretsIn,
  userProjectFrom,
} from "../support/user-projects";
import { mutualTlsClientName, opensslCheck } from "../support/x509-checks";

jest.setTimeout(600_000);

const EXAMPLE = "examples/python-managed-certs";
const USERNAME = "orders-api";

describe("examples/python-managed-certs as a user's project", () => {
  let emulator: Emulator;
  let project: UserProject;
  let venv: Virtualenv;
  /** Each command as run in a shell where the virtualenv is activated. */
  let inVenv: RunOptions;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: USERNAME, x509Type: "MANAGED" }] });
    project = userProjectFrom(EXAMPLE);
    venv = await createVirtualenv(project);
    inVenv = { env: venv.activated };
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("its virtualenv holds the pulumi release requirements.txt pins, from PyPI, and the SDK of this checkout", () => {
    const requirements = fs.readFileSync(path.join(repoRoot, EXAMPLE, "requirements.txt"), "utf8");
    const pinned = /^pulumi==(\S+)$/m.exec(requirements)?.[1];
    expect(pinned).toMatch(/^3\.\d+\.\d+$/);
    expect(venv.installed.pulumi).toBe(pinned);
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(venv.installed.pulumi_atlas_x509).toBe(version);
    // The CLI, and every plugin it starts, sees no Node.js: the plugin from the release archive needs none.
    const folders = venv.activated.PATH.split(path.delimiter);
    expect(folders.filter((folder) => fs.existsSync(path.join(folder, "node")))).toEqual([]);
  });

  it("`pulumi plugin install --server` fetches the plugin's release archive, and the stack takes secret config", async () => {
    const install = await installPluginFromRelease(project);
    expect(install.stdout + install.stderr).toMatch(/atlas-x509/);
    await initStack(project, emulator, "atlas-x509");
    const stackConfig = fs.readFileSync(path.join(project.dir, "Pulumi.dev.yaml"), "utf8");
    expect(stackConfig).toMatch(/atlas-x509:privateKey:\s+secure:/);
    expect(plainSecretsIn([stackConfig], emulator)).toEqual([]);
  });

  it("after the install, bad settings fail `pulumi preview` naming each key, echoing no secret, before any Atlas call", async () => {
    await project.setConfig("atlas-x509:requestTimeoutSeconds", "soon");
    await project.setConfig("atlas-x509:privateKey", "hunter2 with-a-space", { secret: true });
    try {
      await emulator.control.resetRequests();
      const preview = await project.pulumi(["preview"], inVenv);
      expect(preview.code).not.toBe(0);
      const shown = preview.stdout + preview.stderr;
      expect(shown).toMatch(/property requestTimeoutSeconds value \{soon\} has a problem: must be a whole number/);
      expect(shown).toMatch(/property privateKey value \{\[secret\]\} has a problem: contains white space/);
      expect(shown).not.toContain("hunter2");
      // No stack trace of the plugin's. (The Python SDK may print one of its own for the registration the engine
      // cancelled after the failed check: that is Pulumi's output, not this provider's.)
      expect(shown).not.toMatch(/\n\s+at .+\.js:\d+/);
      expect(await atlasCalls(emulator)).toEqual([]);
    } finally {
      await project.pulumiOk(["config", "rm", "atlas-x509:requestTimeoutSeconds"]);
      await project.setConfig("atlas-x509:privateKey", emulator.credentials.privateKey, { secret: true });
    }
  });

  it("after the install, `pulumi preview` runs the Python program and shows the certificate, without calling Atlas", async () => {
    await emulator.control.resetRequests();
    const preview = await project.pulumiOk(["preview"], inVenv);
    expect(preview.stdout).toMatch(new RegExp(`\\+ +${PLUGIN_MANAGED_CERTIFICATE} ${USERNAME} create`));
    expect(await atlasCalls(emulator)).toEqual([]);
  });

  it("after the preview, `pulumi up` issues the certificate; the state holds no __provider, credential or key in plain text", async () => {
    const up = await project.pulumiOk(["up", "--yes"], inVenv);
    expect(up.stdout).toMatch(/\+ 2 created/);
    await expectPluginCertificatesIssued(project, emulator, [USERNAME]);
  });

  it("after up, the exported PEM passes openssl and a TLS handshake, matches the serial, and is hidden without --show-secrets", async () => {
    const outputs = JSON.parse((await project.pulumiOk(["stack", "output", "--json", "--show-secrets"])).stdout) as {
      serialNumber: string;
      certificatePem: string;
      certificateKeyPem: string;
    };
    const ca = await emulator.control.caCertificate(emulator.projectId);
    expect(await opensslCheck(ca, outputs.certificateKeyPem)).toEqual({
      verify: "cert.pem: OK",
      keyMatches: true,
      serialNumber: outputs.serialNumber,
    });
    expect(outputs.certificateKeyPem.startsWith(outputs.certificatePem)).toBe(true);
    // The README's command for the driver's file prints the same PEM.
    const forDriver = await project.pulumiOk(["stack", "output", "certificateKeyPem", "--show-secrets"]);
    expect(forDriver.stdout.trim()).toBe(outputs.certificateKeyPem.trim());
    expect(await mutualTlsClientName(ca, outputs.certificateKeyPem)).toBe(USERNAME);
    const texts = [JSON.stringify(await project.exportState()), project.backendContents()];
    expect(plainSecretsIn(texts, emulator, [outputs.certificateKeyPem])).toEqual([]);
    const hidden = await project.pulumiOk(["stack", "output", "--json"]);
    expect(hidden.stdout).not.toContain("PRIVATE KEY");
    expect(JSON.parse(hidden.stdout)).toMatchObject({ certificateKeyPem: "[secret]" });
  });

  it("after up, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do, refresh only reading", async () => {
    await expectNoChangesRefreshOnlyReading(project, emulator, inVenv);
  });

  it("after up, `pulumi destroy` empties the stack and says, under the certificate, that it stays valid", async () => {
    await expectDestroyWarnsUnderEachCertificate(project, 1, inVenv);
    expect(plainSecretsIn([project.backendContents()], emulator)).toEqual([]);
  });
});
