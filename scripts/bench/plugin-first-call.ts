// 5: time until the plugin answers its first call: the dynamic-provider plugin for the dynamic resources, and this
// package's own provider plugin for the same certificate on the plugin route.

import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { repoRoot } from "../lib/engine";
import { heading, kinds, pluginLauncher, pluginRuns, type Kind, type Results } from "./measure";

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

interface Grpc {
  credentials: { createInsecure(): unknown };
}
type Callback = (error: Error | null, response: unknown) => void;
interface ProviderClient {
  configure(request: unknown, callback: Callback): void;
  check(request: unknown, callback: Callback): void;
  close(): void;
}
interface ProtoMessage {
  [setter: string]: (value: unknown) => void;
}

/**
 * Starts the real plugin the way the engine does, in the user's project, and talks to it over gRPC like the engine:
 * Configure with the stack config, then Check of one resource with its inputs from the state. For the dynamic-provider
 * plugin (`pulumi-resource-pulumi-nodejs`) the Check is the first call that loads the provider: the plugin evaluates
 * `__provider` and calls its configure(). This package's plugin (`pulumi-resource-atlas-x509`) loads it at its start,
 * before it listens. Returns the times from spawn.
 */
async function pluginFirstCall(launch: Launch, target: PluginTarget) {
  const load = createRequire(path.join(target.projectDir, "index.js"));
  const grpc = load("@grpc/grpc-js") as Grpc;
  const services = load("@pulumi/pulumi/proto/provider_grpc_pb") as {
    ResourceProviderClient: new (address: string, credentials: unknown) => ProviderClient;
  };
  const messages = load("@pulumi/pulumi/proto/provider_pb") as Record<string, new () => ProtoMessage>;
  const { Struct } = load("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: unknown): unknown };
  };

  const started = performance.now();
  // The engine passes its own address; neither plugin calls back in these requests.
  const plugin = spawn(launch.command, ["127.0.0.1:1"], {
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
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: the wrapper script runs node as a child, and both must go when we are done.
    detached: true,
  });
  let stderr = "";
  plugin.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      plugin.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(\d+)\s*$/m.exec(stdout);
        if (line) resolve(Number(line[1]));
      });
      plugin.on("exit", (code) => reject(new Error(`plugin exited (${code}) before listening: ${stderr}`)));
    });
    const booted = performance.now();
    const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = (method: "configure" | "check", request: unknown) =>
      new Promise<unknown>((resolve, reject) =>
        client[method](request, (error, response) => (error ? reject(error) : resolve(response))),
      );
    const configure = new messages.ConfigureRequest();
    configure.setArgs(Struct.fromJavaScript(launch.config));
    await call("configure", configure);
    const configured = performance.now();
    const check = () => {
      const request = new messages.CheckRequest();
      request.setUrn(`urn:pulumi:bench::bench::${target.type}::r0`);
      request.setOlds(Struct.fromJavaScript({}));
      request.setNews(Struct.fromJavaScript(target.inputs));
      return call("check", request) as Promise<{ getFailuresList(): unknown[] }>;
    };
    const first = await check();
    const answered = performance.now();
    if (first.getFailuresList().length > 0) throw new Error(`check failed: ${JSON.stringify(first)}`);
    await check();
    const warm = performance.now();
    client.close();
    return {
      bootMs: booted - started,
      configureMs: configured - booted,
      firstCallMs: answered - configured,
      warmCallMs: warm - answered,
      firstAnswerMs: answered - started,
    };
  } finally {
    try {
      if (plugin.pid !== undefined) process.kill(-plugin.pid, "SIGKILL");
    } catch {
      // already gone
    }
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
  for (let run = 0; run < pluginRuns; run++) {
    for (const kind of kinds) {
      const target = targets.get(kind)!;
      const t = await pluginFirstCall(launchOf(kind, target), target);
      for (const key of Object.keys(t) as (keyof typeof t)[]) results.plugin[kind][key].push(t[key]);
    }
    const projectDir = targets.get("managed")!.projectDir;
    results.moduleLoad.programImportMs.push(requireTime(projectDir, "pulumi-atlas-x509"));
    results.moduleLoad.runtimeImportMs.push(requireTime(projectDir, "pulumi-atlas-x509/runtime"));
    results.moduleLoad.pluginProgramImportMs.push(requireTime(projectDir, "pulumi-atlas-x509/plugin"));
  }
}
