// A provider plugin started as the engine starts one (the engine's address as its argument; it prints the port of
// its gRPC server on stdout), and a ResourceProvider client that calls it as the engine does. The benchmark times
// plugins with it; the tests drive the release's executable with it.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";

interface Grpc {
  credentials: { createInsecure(): unknown };
}
type Callback = (error: Error | null, response: unknown) => void;
type ProviderClient = Record<string, (request: unknown, callback: Callback) => void> & { close(): void };
export interface ProtoMessage {
  [method: string]: (...args: unknown[]) => unknown;
}

/** gRPC and Pulumi's provider protocol as the @pulumi/pulumi installed at `dir` (a project, or this checkout) has them. */
export interface ProviderProtocol {
  grpc: Grpc;
  client: new (address: string, credentials: unknown) => ProviderClient;
  /** The request classes by name (`ConfigureRequest`, `CheckRequest`, ...). */
  messages: Record<string, new () => ProtoMessage>;
  empty: new () => ProtoMessage;
  struct(value: unknown): unknown;
}

export function providerProtocol(dir: string): ProviderProtocol {
  const load = createRequire(path.join(dir, "index.js"));
  const pulumiDir = path.dirname(load.resolve("@pulumi/pulumi"));
  const fromPulumi = (id: string) => load(load.resolve(id, { paths: [pulumiDir] })) as unknown;
  const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: unknown): unknown };
  };
  return {
    grpc: fromPulumi("@grpc/grpc-js") as Grpc,
    client: (
      fromPulumi("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderClient: ProviderProtocol["client"] }
    ).ResourceProviderClient,
    messages: fromPulumi("@pulumi/pulumi/proto/provider_pb") as ProviderProtocol["messages"],
    empty: (fromPulumi("google-protobuf/google/protobuf/empty_pb") as { Empty: ProviderProtocol["empty"] }).Empty,
    struct: (value) => Struct.fromJavaScript(value),
  };
}

export interface PluginProcess {
  port: number;
  /** performance.now() at spawn, and when the port was printed. */
  spawnedAt: number;
  listeningAt: number;
  /** Calls one method of the ResourceProvider service (`getPluginInfo`, `configure`, `check`, ...). */
  call<Response = ProtoMessage>(method: string, request: unknown): Promise<Response>;
  stderr(): string;
  /** Closes the client and kills the plugin's process group. */
  stop(): void;
}

export interface StartPluginOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  protocol: ProviderProtocol;
  /** The arguments; default: an engine address, as the engine starts a plugin. */
  args?: readonly string[];
}

/** Starts `command` as the engine would, waits until it prints its port, and connects to it. */
export async function startPlugin(command: string, options: StartPluginOptions): Promise<PluginProcess> {
  const spawnedAt = performance.now();
  // The engine passes its own address; these plugins call it back only to log warnings.
  const plugin = spawn(command, options.args ?? ["127.0.0.1:1"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a launcher script runs node as a child, and both must go when we are done.
    detached: true,
  });
  const kill = () => {
    try {
      if (plugin.pid !== undefined) process.kill(-plugin.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  let stderr = "";
  plugin.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      plugin.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(\d+)\s*$/m.exec(stdout);
        if (line) resolve(Number(line[1]));
      });
      plugin.on("error", reject);
      plugin.on("exit", (code) => reject(new Error(`plugin exited (${code}) before listening: ${stderr}`)));
    });
  } catch (error) {
    kill();
    throw error;
  }
  const listeningAt = performance.now();
  const { protocol } = options;
  const client = new protocol.client(`127.0.0.1:${port}`, protocol.grpc.credentials.createInsecure());
  return {
    port,
    spawnedAt,
    listeningAt,
    call: <Response>(method: string, request: unknown) =>
      new Promise<Response>((resolve, reject) =>
        client[method]!(request, (error, response) => (error ? reject(error) : resolve(response as Response))),
      ),
    stderr: () => stderr,
    stop: () => {
      client.close();
      kill();
    },
  };
}
