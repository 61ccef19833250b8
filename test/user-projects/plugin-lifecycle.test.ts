// The provider plugin's life beside the engine, in a user's YAML project: it exits once the `pulumi up` that started
// it is killed (the engine starts plugins in process groups of their own, so killing the CLI's group leaves them),
// and a contributor can run it by hand and have the CLI attach to it with PULUMI_DEBUG_PROVIDERS.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { killAll, processesUnder, waitUntilGone } from "../../scripts/lib/processes";
import { killGroup, type UserProject } from "../../scripts/lib/user-project";
import { repoRoot } from "../../scripts/lib/repo-root";
import { ChildOutput } from "../support/child-output";
import { expectCannotRevokeWarningUnderEach, projectWithEmulator } from "../support/user-projects";
import { waitUntil } from "../support/wait";

jest.setTimeout(300_000);

const services = ["orders-api", "billing-worker"];
const launcher = "pulumi-resource-atlas-x509";
/** The plugin a contributor starts by hand from a checkout (CONTRIBUTING.md, "Debugging the provider plugin"). */
const checkoutPlugin = path.join(repoRoot, "dist", "provider", "plugin", "main.js");

describe("the provider plugin of examples/yaml-managed-certs", () => {
  let emulator: Emulator;
  let project: UserProject;
  const plugins = () =>
    processesUnder(project.dir).filter((p) => p.command.includes(launcher) || p.command.includes(checkoutPlugin));

  beforeAll(async () => {
    ({ emulator, project } = await projectWithEmulator("examples/yaml-managed-certs", services, "atlas-x509"));
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("exits within a minute after its `pulumi up` was killed with the CLI's process group", async () => {
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", holdMs: 120_000 }]);
    let processGroup: number | undefined;
    const up = project.pulumi(["up", "--yes"], { onStart: (group) => (processGroup = group) });
    // The emulator issued a certificate and holds its answer: the plugin is mid-request.
    const issued = async () =>
      (await Promise.all(services.map((name) => emulator.control.issuedCertificates(emulator.projectId, name)))).flat();
    await waitUntil(async () => (await issued()).length > 0);
    expect(plugins()).not.toEqual([]);
    killGroup(processGroup);
    expect((await up).signal).toBe("SIGKILL");
    await emulator.control.clearFaults();
    expect(await waitUntilGone(plugins, 60_000)).toEqual([]);
    // What else outlives the kill is Pulumi's YAML language host, also in a group of its own, which checks its engine
    // only every 5 minutes: the test ends it.
    const left = processesUnder(project.dir);
    expect(left.filter((p) => !p.command.includes("pulumi-language-yaml"))).toEqual([]);
    killAll(left);
    expect(await waitUntilGone(() => processesUnder(project.dir), 10_000)).toEqual([]);
  });

  describe("started by hand, with the CLI attached through PULUMI_DEBUG_PROVIDERS", () => {
    let plugin: ChildProcessWithoutNullStreams;
    let pluginErr: ChildOutput;
    let debugEnv: Record<string, string>;

    beforeAll(async () => {
      // After the killed up above: release its lock and forget its pending creates, as the README says.
      await project.pulumiOk(["cancel", "--yes"]);
      await project.pulumiOk(["refresh", "--yes", "--clear-pending-creates"]);
      // As CONTRIBUTING.md says, under the inspector; free ports for both here.
      const args = ["--inspect=127.0.0.1:0", checkoutPlugin, "--port", "0"];
      plugin = spawn(process.execPath, args, { cwd: project.dir });
      pluginErr = new ChildOutput(plugin.stderr);
      const exited = new Promise<never>((_, reject) =>
        plugin.once("exit", (code) => reject(new Error(`the plugin exited (${code}): ${pluginErr}`))),
      );
      const [[, port]] = await Promise.race([
        Promise.all([
          new ChildOutput(plugin.stdout).until(/^(\d+)\n/),
          pluginErr.until(/Debugger listening on ws:\/\/127\.0\.0\.1:\d+/),
        ]),
        exited,
      ]);
      debugEnv = { PULUMI_DEBUG_PROVIDERS: `atlas-x509:${port}` };
    });
    afterAll(async () => {
      if (plugin?.exitCode === null) {
        const exited = new Promise((resolve) => plugin.once("exit", resolve));
        plugin.kill("SIGTERM");
        await exited;
      }
    });

    it("serves `pulumi up` and `pulumi destroy`, one engine after the other, warnings included", async () => {
      await project.pulumiOk(["up", "--yes"], { env: debugEnv });
      await expectCannotRevokeWarningUnderEach(project, services, { env: debugEnv });
      // The process this test started served both runs, each engine (a run has one per phase) at its own address;
      // the CLI started no plugin of its own.
      await pluginErr.until(/(serving the engine at [\s\S]*){2}/);
      const served = [...`${pluginErr}`.matchAll(/serving the engine at (127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
      expect(new Set(served).size).toBeGreaterThanOrEqual(2);
      expect(plugins().map((p) => p.pid)).toEqual([plugin.pid]);
    });
  });
});
