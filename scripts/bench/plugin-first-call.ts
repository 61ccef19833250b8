// 5: time until the plugin answers its first call: the dynamic-provider plugin for the dynamic resources, and this
// package's own provider plugin for the same certificate on the plugin route, both as the npm package's `bin` and as
// the single executable of the release archive (scripts/lib/release.ts).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { repoRoot } from "../lib/engine";
import { providerProtocol, startPlugin } from "../lib/plugin-process";
import { buildReleaseArchive, PLUGIN_EXECUTABLE } from "../lib/release";
import { heading, kinds, pluginLauncher, pluginRuns, type Kind, type PluginTimes, type Results } from "./measure";

export interface PluginTarget {
  projectDir: string;
  /** The project's node_modules/.bin, where the provider plugin's launcher is installed. */
  binDir: string;
  type: string;
  /** The resource's inputs exactly as the engine stored them (on the dynamic route, `__provider` among them). */
  inputs: Record<string, unknown>;
}

/** The plugin the engine starts for a resource, and the configuration it sends it. */
interface Launch {
  command: string;
  config: Record<string, string>;
}

/**
 * Starts the real plugin the way the engine does, in the user's project, and talks to it over gRPC like the engine:
 * Configure with the stack config, then Check of one resource with its inputs from the state. For the dynamic-provider
 * plugin (`pulumi-resource-pulumi-nodejs`) the Check is the first call that loads the provider: the plugin evaluates
 * `__provider` and calls its configure(). This package's plugin (`pulumi-resource-atlas-x509`) loads it at its start,
 * before it listens. Returns the times from spawn.
 */
async function pluginFirstCall(launch: Launch, target: PluginTarget) {
  const protocol = providerProtocol(target.projectDir);
  const { messages } = protocol;
  const plugin = await startPlugin(launch.command, {
    cwd: target.projectDir,
    env: {
      PATH: [
        path.dirname(launch.command),
        path.join(repoRoot, "node_modules", ".bin"),
        "/usr/local/bin",
        "/usr/bin",
        "/bin",
      ].join(":"),
      HOME: process.env.HOME ?? os.tmpdir(),
    },
    protocol,
  });
  try {
    const booted = plugin.listeningAt;
    const configure = new messages.ConfigureRequest!();
    configure.setArgs!(protocol.struct(launch.config));
    await plugin.call("configure", configure);
    const configured = performance.now();
    const check = () => {
      const request = new messages.CheckRequest!();
      request.setUrn!(`urn:pulumi:bench::bench::${target.type}::r0`);
      request.setOlds!(protocol.struct({}));
      request.setNews!(protocol.struct(target.inputs));
      return plugin.call<{ getFailuresList(): unknown[] }>("check", request);
    };
    const first = await check();
    const answered = performance.now();
    if (first.getFailuresList().length > 0) throw new Error(`check failed: ${JSON.stringify(first)}`);
    await check();
    const warm = performance.now();
    return {
      bootMs: booted - plugin.spawnedAt,
      configureMs: configured - booted,
      firstCallMs: answered - configured,
      warmCallMs: warm - answered,
      firstAnswerMs: answered - plugin.spawnedAt,
    };
  } finally {
    plugin.stop();
  }
}

/** In-process: ms to require a module in the user's project after @pulumi/pulumi is loaded (as it is there). */
function requireTime(projectDir: string, moduleName: string): number {
  const script =
    `require("@pulumi/pulumi"); const t = performance.now(); require(${JSON.stringify(moduleName)}); ` +
    `process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ["-e", script], { cwd: projectDir, encoding: "utf8" }));
}

export async function pluginLoad(
  binDir: string,
  emulator: Emulator,
  targets: Map<Kind, PluginTarget>,
  results: Results,
): Promise<void> {
  heading(`Plugin: time until it answers its first call (${pluginRuns} runs each, interleaved)`);
  const { baseUrl } = emulator;
  const { publicKey, privateKey } = emulator.credentials;
  // The dynamic-provider plugin gets the whole stack config; a package's plugin only its own keys, without prefix.
  const launchOf = (kind: Kind, target: PluginTarget): Launch =>
    kind === "managedPlugin"
      ? { command: path.join(target.binDir, pluginLauncher), config: { baseUrl, publicKey, privateKey } }
      : {
          command: path.join(binDir, "pulumi-resource-pulumi-nodejs"),
          config: {
            "mongodbatlas:baseUrl": baseUrl,
            "mongodbatlas:publicKey": publicKey,
            "mongodbatlas:privateKey": privateKey,
          },
        };
  const release = await extractRelease(results);
  const record = (into: PluginTimes, t: Awaited<ReturnType<typeof pluginFirstCall>>) => {
    for (const key of Object.keys(t) as (keyof typeof t)[]) into[key].push(t[key]);
  };
  try {
    for (let run = 0; run < pluginRuns; run++) {
      for (const kind of kinds) {
        const target = targets.get(kind)!;
        record(results.plugin[kind], await pluginFirstCall(launchOf(kind, target), target));
      }
      // The same certificate's plugin, from the release archive instead of the npm package.
      const pluginTarget = targets.get("managedPlugin")!;
      const executable = { ...launchOf("managedPlugin", pluginTarget), command: release.executable };
      record(results.release.firstCall, await pluginFirstCall(executable, pluginTarget));
      measureModuleLoads(targets, results);
    }
  } finally {
    fs.rmSync(release.dir, { recursive: true, force: true });
  }
}

function measureModuleLoads(targets: Map<Kind, PluginTarget>, results: Results): void {
  const projectDir = targets.get("managed")!.projectDir;
  results.moduleLoad.programImportMs.push(requireTime(projectDir, "pulumi-atlas-x509"));
  results.moduleLoad.runtimeImportMs.push(requireTime(projectDir, "pulumi-atlas-x509/runtime"));
  results.moduleLoad.pluginProgramImportMs.push(requireTime(projectDir, "pulumi-atlas-x509/plugin"));
}

/** The release archive (built, or kept from an earlier build), unpacked into a temporary folder; records its sizes. */
async function extractRelease(results: Results): Promise<{ dir: string; executable: string }> {
  const archive = await buildReleaseArchive({ log: (line) => process.stdout.write(`${line}\n`) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-release-"));
  execFileSync("tar", ["-xzf", archive.path, "-C", dir]);
  const executable = path.join(dir, PLUGIN_EXECUTABLE);
  results.release.archiveBytes = fs.statSync(archive.path).size;
  results.release.executableBytes = fs.statSync(executable).size;
  return { dir, executable };
}
