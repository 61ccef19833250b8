// `npm run bench`: what this provider costs on top of the Pulumi engine, measured with the real Pulumi CLI against
// the bundled Atlas emulator (loopback only, file backend in temporary directories):
//
//   1. state footprint: bytes of `__provider` and of each resource's state entry, next to a no-op dynamic provider;
//   2. Atlas API calls per operation (emulator request log), digest 401 challenges counted apart;
//   3. wall time of preview / up / up without changes / refresh / destroy for N = 10, 50, 100 certificates, next to
//      N no-op dynamic resources in the same run, as ratios of medians;
//   4. time until the dynamic-provider plugin answers its first call, against the no-op provider;
//   5. where the `up` time goes at N = 50 (the emulator's key generation, the size of the state).
//
// Prints tables, writes bench-results/results.json and the measured section of BENCHMARKS.md.
// Options: --quick (N = 10, one run, BENCHMARKS.md left alone), --runs <n> (default 3).
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../test/emulator";
import { EngineStack, repoRoot } from "../test/support/engine";
import { makeCertificate } from "../test/support/pki";
import type { StackResult } from "../test/support/stack-cli";

// ---------------------------------------------------------------------------------------------------------------
// Setup

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runsArg = args.indexOf("--runs");
const runs = quick ? 1 : runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1])) : 3;
const sizes = quick ? [10] : [10, 50, 100];
const profileSize = quick ? 10 : 50;
const pluginRuns = quick ? 3 : 7;
/** Certificates of a stack belong to this many users: refresh should list each user once, not each certificate. */
const userCount = 5;
const usernames = Array.from({ length: userCount }, (_, i) => `svc-${i}`);

const kinds = ["managed", "customer", "noop"] as const;
type Kind = (typeof kinds)[number];
const typeOf: Record<Kind, string> = {
  managed: "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate",
  customer: "pulumi-nodejs:dynamic/atlas:CustomerX509Config",
  noop: "pulumi-nodejs:dynamic/bench:Noop",
};
const label: Record<Kind, string> = {
  managed: "ManagedX509Certificate",
  customer: "CustomerX509Config",
  noop: "no-op dynamic provider",
};

const operations = ["preview", "create", "update", "refresh", "delete"] as const;
type Operation = (typeof operations)[number];
const opLabel: Record<Operation, string> = {
  preview: "preview",
  create: "up (create)",
  update: "up (no changes)",
  refresh: "refresh",
  delete: "destroy",
};

interface ApiCalls {
  /** Authenticated requests. */
  calls: number;
  /** Digest challenges (401 before authentication), not in `calls`. */
  challenges: number;
  byEndpoint: Record<string, number>;
}

type ProfileVariant =
  | "certificatesFreshKeys"
  | "certificates"
  | "noopSameShape"
  | "noop"
  | "noopSameShapeNoCheckpoints"
  | "noopNoCheckpoints";

interface Results {
  quick: boolean;
  runs: number;
  machine: Record<string, string>;
  footprint: Record<Kind, { providerBytes: number; stateEntryBytes: number }>;
  /** A certificate's state entry by part: each output (JSON bytes, secrets as ciphertext), and all inputs. */
  certificateEntryParts: Record<string, number>;
  apiCalls: Record<Exclude<Kind, "noop">, Record<Operation, ApiCalls>>;
  /** By N: per-operation wall times (ms, every run) and the API calls of the certificate stack. */
  timing: Record<
    string,
    {
      ms: Record<"managed" | "noop", Record<Operation, number[]>>;
      cpuMs: Record<"managed" | "noop", Record<Operation, number[]>>;
      emulatorCpuMs: Record<Operation, number[]>;
      calls: Record<Operation, ApiCalls>;
      stateBytes: Record<"managed" | "noop", number>;
      loadAverage: number[];
    }
  >;
  plugin: Record<
    Kind,
    { bootMs: number[]; configureMs: number[]; firstCallMs: number[]; warmCallMs: number[]; firstAnswerMs: number[] }
  >;
  moduleLoad: { programImportMs: number[]; runtimeImportMs: number[] };
  profile: {
    n: number;
    ms: Record<ProfileVariant, Record<Operation, number[]>>;
    cpuMs: Record<ProfileVariant, Record<Operation, number[]>>;
    emulatorCpuMs: Record<ProfileVariant, Record<Operation, number[]>>;
    /** Median time the emulator took to answer POST certs. */
    postMs: { freshKeys: number; keyPool: number };
    stateEntryBytes: { managed: number; noopSameShape: number };
  };
}

function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

function pulumiBin(): string {
  const binDir = execFileSync(path.join(repoRoot, "scripts", "ensure-pulumi-cli"), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  process.env.PULUMI_CLI_BIN_DIR = binDir;
  return binDir;
}

function machine(binDir: string): Record<string, string> {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const meminfo = fs.existsSync("/proc/meminfo") ? fs.readFileSync("/proc/meminfo", "utf8") : "";
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? os.totalmem() / 1024);
  const pulumiSdk = JSON.parse(
    fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ) as { version: string };
  return {
    date: new Date().toISOString(),
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`,
    nproc: execFileSync("nproc", { encoding: "utf8" }).trim(),
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? os.cpus()[0]?.model ?? "unknown",
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pulumi: execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim(),
    pulumiSdk: pulumiSdk.version,
    loadAverageAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Stacks and measurements

function atlasConfig(emulator: Emulator): Record<string, { value: string; secret?: boolean }> {
  return {
    "mongodbatlas:baseUrl": { value: emulator.baseUrl },
    "mongodbatlas:publicKey": { value: emulator.credentials.publicKey, secret: true },
    "mongodbatlas:privateKey": { value: emulator.credentials.privateKey, secret: true },
  };
}

function managedStack(emulator: Emulator, name: string, users: string[], perUser: number): EngineStack {
  return EngineStack.create({
    program: "test/programs/managed/index.ts",
    projectName: `bench-${name}`,
    config: {
      projectId: { value: emulator.projectId },
      usernames: { value: JSON.stringify(users) },
      certificatesPerUser: { value: String(perUser) },
      ...atlasConfig(emulator),
    },
  });
}

function noopStack(
  name: string,
  count: number,
  payload?: { plain: number; secret: number },
  env?: Record<string, string>,
): EngineStack {
  return EngineStack.create({
    env,
    program: "test/programs/noop/index.ts",
    projectName: `bench-${name}`,
    config: {
      count: { value: String(count) },
      ...(payload && {
        payloadBytes: { value: String(payload.plain) },
        secretPayloadBytes: { value: String(payload.secret) },
      }),
    },
  });
}

/**
 * CPU time (ms) of this process's finished child processes and theirs: the operation's runner, the `pulumi` CLI, the
 * engine, the program and the dynamic-provider plugin. Unlike wall time, other work on the machine hardly moves it.
 */
function childrenCpuMs(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
}
const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU time (ms) of this process: the emulator (key generation on the libuv pool included). */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Measured {
  /** Wall time of the `pulumi` operation. */
  ms: number;
  /** CPU of the whole runner process tree (fixed costs included: node start, stack selection, config). */
  cpuMs: number;
  /** CPU of the emulator while the operation ran. */
  emulatorCpuMs: number;
  result: StackResult;
}

/** Runs one operation (without the state export) and checks that it did what it should. */
async function operate(stack: EngineStack, op: Operation, resources: number): Promise<Measured> {
  const opts = { exportState: false };
  const cpuBefore = childrenCpuMs();
  const emulatorBefore = ownCpuMs();
  let result: StackResult;
  let expected: Record<string, number>;
  switch (op) {
    case "preview":
      result = await stack.preview(opts);
      expected = { create: resources + 1 };
      break;
    case "create":
      result = await stack.up(opts);
      expected = { create: resources + 1 };
      break;
    case "update":
      result = await stack.up({ ...opts, expectNoChanges: true });
      expected = { same: resources + 1 };
      break;
    case "refresh":
      result = await stack.refresh({ ...opts, expectNoChanges: true });
      expected = { same: resources + 1 };
      break;
    case "delete":
      result = await stack.destroy(opts);
      expected = { delete: resources + 1 };
      break;
  }
  const summary: Record<string, number | undefined> = { ...result.changeSummary };
  const matches = Object.entries(expected).every(([k, v]) => summary[k] === v);
  if (!result.ok || !matches || result.operationMs === undefined) {
    throw new Error(
      `${opLabel[op]} of ${stack.workDir} failed (${JSON.stringify(summary)}): ${result.error ?? result.output.slice(-2000)}`,
    );
  }
  return {
    ms: result.operationMs,
    cpuMs: childrenCpuMs() - cpuBefore,
    emulatorCpuMs: ownCpuMs() - emulatorBefore,
    result,
  };
}

/** `pulumi stack export`, outside any measurement. */
async function exported(stack: EngineStack): Promise<unknown> {
  const result = await stack.export();
  if (!result.ok || !result.deployment) throw new Error(`export failed: ${result.error}`);
  return result.deployment;
}

/** Runs `work` with the emulator's request log cleared first; returns what Atlas saw. */
async function countCalls<T>(emulator: Emulator, work: () => Promise<T>): Promise<{ value: T; calls: ApiCalls }> {
  await emulator.control.resetRequests();
  const value = await work();
  const byEndpoint = await emulator.control.counts();
  const log = await emulator.control.requests();
  const calls = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
  const challenges = log.filter((r) => !r.authenticated && r.status === 401).length;
  return { value, calls: { calls, challenges, byEndpoint } };
}

interface StateResource {
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

function stateResources(deployment: unknown, type: string): StateResource[] {
  const resources = (deployment as { resources?: StateResource[] } | undefined)?.resources ?? [];
  return resources.filter((r) => r.type === type);
}

/** `__provider` bytes and the resource's whole state entry (compact JSON) of the first resource of a type. */
function footprintOf(deployment: unknown, type: string): { providerBytes: number; stateEntryBytes: number } {
  const [resource] = stateResources(deployment, type);
  if (!resource) throw new Error(`no ${type} in the exported state`);
  const provider = resource.outputs.__provider ?? resource.inputs.__provider;
  if (typeof provider !== "string") throw new Error(`__provider of ${type} is not a plain string`);
  return {
    providerBytes: Buffer.byteLength(provider),
    stateEntryBytes: Buffer.byteLength(JSON.stringify(resource)),
  };
}

const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------------------------------------------------------
// 1 + 2: one resource of each kind: state footprint and API calls per operation

async function perResource(emulator: Emulator, results: Results): Promise<Map<Kind, PluginTarget>> {
  heading("State footprint and Atlas API calls per operation (one resource of each kind)");
  const customerProject = await emulator.control.createProject();
  const ca = makeCertificate({ commonName: "Bench Root CA", isCa: true });
  const stacks: Record<Kind, EngineStack> = {
    managed: managedStack(emulator, "single-managed", ["single"], 1),
    customer: EngineStack.create({
      program: "test/programs/customer/index.ts",
      projectName: "bench-single-customer",
      config: { projectId: { value: customerProject }, cas: { value: ca.certificatePem }, ...atlasConfig(emulator) },
    }),
    noop: noopStack("single-noop", 1),
  };
  const targets = new Map<Kind, PluginTarget>();
  for (const kind of kinds) {
    const stack = stacks[kind];
    const calls = {} as Record<Operation, ApiCalls>;
    for (const op of operations) {
      const { value, calls: seen } = await countCalls(emulator, () => operate(stack, op, 1));
      calls[op] = seen;
      if (op === "create") {
        const deployment = await exported(stack);
        results.footprint[kind] = footprintOf(deployment, typeOf[kind]);
        const [resource] = stateResources(deployment, typeOf[kind]);
        const { __provider: provider, ...inputs } = resource.inputs;
        targets.set(kind, { projectDir: stack.workDir, provider: String(provider), inputs });
        if (kind === "managed") {
          results.certificateEntryParts = {
            ...Object.fromEntries(
              Object.entries(resource.outputs).map(([key, v]) => [
                `outputs.${key}`,
                Buffer.byteLength(JSON.stringify(v)),
              ]),
            ),
            inputs: Buffer.byteLength(JSON.stringify(resource.inputs)),
          };
          const secret = (name: string) => Buffer.byteLength(String(value.result.outputs?.[name]?.value ?? ""));
          managedState = {
            entryBytes: results.footprint.managed.stateEntryBytes,
            secretPlaintextBytes: secret("firstPrivateKeyPem") + secret("firstCertificateKeyPem"),
            secretStateBytes: ["privateKeyPem", "certificateKeyPem"].reduce(
              (sum, key) => sum + Buffer.byteLength(JSON.stringify(resource.outputs[key])),
              0,
            ),
          };
        }
      }
    }
    if (kind !== "noop") results.apiCalls[kind] = calls;
    const f = results.footprint[kind];
    const line = operations.map((op) => `${op} ${calls[op].calls}+${calls[op].challenges}`).join(", ");
    process.stdout.write(
      `${label[kind].padEnd(24)} __provider ${f.providerBytes} B, state entry ${f.stateEntryBytes} B; ` +
        `API calls (+401s): ${kind === "noop" ? "none (no Atlas)" : line}\n`,
    );
  }
  // The plugin measurement below runs the real plugin in these projects; they are removed at the end.
  pendingDisposal.push(...Object.values(stacks));
  return targets;
}

/** One certificate's state entry: its size, and its two secret outputs' plaintext and ciphertext sizes. */
let managedState = { entryBytes: 0, secretPlaintextBytes: 0, secretStateBytes: 0 };
const pendingDisposal: EngineStack[] = [];

// ---------------------------------------------------------------------------------------------------------------
// 3: wall time for N certificates next to N no-op resources

async function timing(emulator: Emulator, results: Results): Promise<void> {
  for (const n of sizes) {
    heading(`Wall time, N = ${n} (${runs} run(s); certificates of ${userCount} users)`);
    const entry: Results["timing"][string] = {
      ms: { managed: emptyOps(), noop: emptyOps() },
      cpuMs: { managed: emptyOps(), noop: emptyOps() },
      emulatorCpuMs: emptyOps(),
      calls: {} as Record<Operation, ApiCalls>,
      stateBytes: { managed: 0, noop: 0 },
      loadAverage: os.loadavg(),
    };
    results.timing[n] = entry;
    const stacks = {
      managed: managedStack(emulator, `managed-${n}`, usernames, n / userCount),
      noop: noopStack(`noop-${n}`, n),
    };
    try {
      for (let run = 0; run < runs; run++) {
        // Alternate which stack goes first, so that drift in the machine's load does not favour one side.
        const order = run % 2 === 0 ? (["noop", "managed"] as const) : (["managed", "noop"] as const);
        for (const kind of order) {
          for (const op of operations) {
            const { value, calls } = await countCalls(emulator, () => operate(stacks[kind], op, n));
            entry.ms[kind][op].push(value.ms);
            entry.cpuMs[kind][op].push(value.cpuMs);
            if (kind === "managed") {
              entry.calls[op] = calls;
              entry.emulatorCpuMs[op].push(value.emulatorCpuMs);
            }
            if (run === 0 && op === "create") {
              entry.stateBytes[kind] = Buffer.byteLength(JSON.stringify(await exported(stacks[kind])));
            }
          }
        }
        process.stdout.write(`  run ${run + 1}/${runs} done (load ${os.loadavg()[0].toFixed(2)})\n`);
      }
    } finally {
      stacks.managed.dispose();
      stacks.noop.dispose();
    }
    for (const op of operations) {
      const m = median(entry.ms.managed[op]);
      const b = median(entry.ms.noop[op]);
      const cm = median(entry.cpuMs.managed[op]);
      const cb = median(entry.cpuMs.noop[op]);
      process.stdout.write(
        `  ${opLabel[op].padEnd(16)} wall: no-op ${fmtMs(b).padStart(7)}, certificates ${fmtMs(m).padStart(7)}, ` +
          `ratio ${(m / b).toFixed(2)} | CPU ratio ${(cm / cb).toFixed(2)}, emulator CPU ` +
          `${fmtMs(median(entry.emulatorCpuMs[op]))} | Atlas calls ${entry.calls[op].calls} ` +
          `(+${entry.calls[op].challenges} 401)\n`,
      );
    }
  }
}

function emptyOps(): Record<Operation, number[]> {
  return { preview: [], create: [], update: [], refresh: [], delete: [] };
}

function variantOps(): Record<ProfileVariant, Record<Operation, number[]>> {
  return {
    certificatesFreshKeys: emptyOps(),
    certificates: emptyOps(),
    noopSameShape: emptyOps(),
    noop: emptyOps(),
    noopSameShapeNoCheckpoints: emptyOps(),
    noopNoCheckpoints: emptyOps(),
  };
}

const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------------------------------------------------------
// 4: time until the dynamic-provider plugin answers its first call

interface PluginTarget {
  projectDir: string;
  /** `__provider` exactly as the engine stored it. */
  provider: string;
  inputs: Record<string, unknown>;
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
 * Starts the real dynamic-provider plugin the way the engine does (`pulumi-resource-pulumi-nodejs`, in the user's
 * project) and talks to it over gRPC like the engine: Configure with the stack config, then Check of one resource
 * whose `__provider` is the string from the state. The Check is the first call that loads the provider: the
 * plugin evaluates `__provider` and calls its configure(). Returns the times from spawn.
 */
async function pluginFirstCall(binDir: string, target: PluginTarget, config: Record<string, string>) {
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
  const plugin = spawn(path.join(binDir, "pulumi-resource-pulumi-nodejs"), ["127.0.0.1:1"], {
    cwd: target.projectDir,
    env: {
      PATH: [binDir, path.join(repoRoot, "node_modules", ".bin"), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
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
    configure.setArgs(Struct.fromJavaScript(config));
    await call("configure", configure);
    const configured = performance.now();
    const check = () => {
      const request = new messages.CheckRequest();
      request.setUrn("urn:pulumi:bench::bench::pulumi-nodejs:dynamic:Resource::r0");
      request.setOlds(Struct.fromJavaScript({}));
      request.setNews(Struct.fromJavaScript({ ...target.inputs, __provider: target.provider }));
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

async function pluginLoad(
  binDir: string,
  emulator: Emulator,
  targets: Map<Kind, PluginTarget>,
  results: Results,
): Promise<void> {
  heading(`Plugin: time until it answers its first call (${pluginRuns} runs each, interleaved)`);
  const config = {
    "mongodbatlas:baseUrl": emulator.baseUrl,
    "mongodbatlas:publicKey": emulator.credentials.publicKey,
    "mongodbatlas:privateKey": emulator.credentials.privateKey,
  };
  for (let run = 0; run < pluginRuns; run++) {
    for (const kind of kinds) {
      const t = await pluginFirstCall(binDir, targets.get(kind)!, config);
      for (const key of Object.keys(t) as (keyof typeof t)[]) results.plugin[kind][key].push(t[key]);
    }
    const projectDir = targets.get("managed")!.projectDir;
    results.moduleLoad.programImportMs.push(requireTime(projectDir, "pulumi-atlas-x509"));
    results.moduleLoad.runtimeImportMs.push(requireTime(projectDir, "pulumi-atlas-x509/runtime"));
  }
  const noop = median(results.plugin.noop.firstAnswerMs);
  for (const kind of kinds) {
    const p = results.plugin[kind];
    process.stdout.write(
      `${label[kind].padEnd(24)} boot ${fmtMs(median(p.bootMs))}, first Check ${fmtMs(median(p.firstCallMs))} ` +
        `(warm ${median(p.warmCallMs).toFixed(1)} ms), spawn to first answer ${fmtMs(median(p.firstAnswerMs))}, ` +
        `ratio ${(median(p.firstAnswerMs) / noop).toFixed(2)}\n`,
    );
  }
  process.stdout.write(
    `require("pulumi-atlas-x509") in the program ${median(results.moduleLoad.programImportMs).toFixed(1)} ms; ` +
      `require("pulumi-atlas-x509/runtime") in the plugin ${median(results.moduleLoad.runtimeImportMs).toFixed(1)} ms\n`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 5: where the time goes: Atlas's key generation, the resource's shape (outputs, secrets, state size), the provider

async function profile(emulator: Emulator, results: Results): Promise<void> {
  const n = profileSize;
  heading(`Where the time goes, N = ${n} (${runs} run(s))`);
  const p = results.profile;
  const pooled = await startEmulator({
    keyPool: 16,
    seedUsers: usernames.map((username) => ({ username, x509Type: "MANAGED" as const })),
  });
  const shapePayload = { plain: 0, secret: managedState.secretPlaintextBytes };
  const noCheckpoints = { PULUMI_SKIP_CHECKPOINTS: "true" };
  const stacks: Record<ProfileVariant, EngineStack> = {
    certificatesFreshKeys: managedStack(emulator, `profile-fresh-${n}`, usernames, n / userCount),
    certificates: managedStack(pooled, `profile-pooled-${n}`, usernames, n / userCount),
    noopSameShape: noopStack(`profile-shape-${n}`, n, shapePayload),
    noop: noopStack(`profile-noop-${n}`, n),
    // The engine writes the whole state after every step; with this it writes it once, at the end.
    noopSameShapeNoCheckpoints: noopStack(`profile-shape-nockpt-${n}`, n, shapePayload, noCheckpoints),
    noopNoCheckpoints: noopStack(`profile-noop-nockpt-${n}`, n, undefined, noCheckpoints),
  };
  const postMs = { certificatesFreshKeys: [] as number[], certificates: [] as number[] };
  try {
    const shape = await calibrateShape(stacks.noopSameShape, n);
    p.stateEntryBytes.noopSameShape = shape.entryBytes;
    stacks.noopSameShapeNoCheckpoints.config.payloadBytes = { value: String(shape.plain) };
    p.stateEntryBytes.managed = managedState.entryBytes;
    for (let run = 0; run < runs; run++) {
      const shift = run % profileVariants.length;
      const order = [...profileVariants.slice(shift), ...profileVariants.slice(0, shift)];
      for (const variant of order) {
        const atlas = variant === "certificates" ? pooled : emulator;
        // With fresh keys only up differs from the pooled stack; without checkpoints, only up and destroy write much.
        const ops = profileOperations[variant] ?? operations;
        for (const op of ops) {
          await atlas.control.resetRequests();
          const measured = await operate(stacks[variant], op, n);
          if (variant === "certificatesFreshKeys" && op !== "create") continue;
          p.ms[variant][op].push(measured.ms);
          p.cpuMs[variant][op].push(measured.cpuMs);
          p.emulatorCpuMs[variant][op].push(measured.emulatorCpuMs);
          if (op === "create" && (variant === "certificates" || variant === "certificatesFreshKeys")) {
            const posts = (await atlas.control.requests()).filter((r) => r.method === "POST" && r.authenticated);
            postMs[variant].push(...posts.map((r) => r.durationMs));
          }
        }
      }
      process.stdout.write(`  run ${run + 1}/${runs} done (load ${os.loadavg()[0].toFixed(2)})\n`);
    }
  } finally {
    for (const stack of Object.values(stacks)) stack.dispose();
    await pooled.close();
  }
  p.n = n;
  p.postMs = { freshKeys: median(postMs.certificatesFreshKeys), keyPool: median(postMs.certificates) };
  const med = (variant: ProfileVariant, op: Operation, what: "ms" | "cpuMs" = "ms") => median(p[what][variant][op]);
  for (const op of operations) {
    process.stdout.write(
      `  ${opLabel[op].padEnd(16)} no-op ${fmtMs(med("noop", op)).padStart(7)}, same shape ` +
        `${fmtMs(med("noopSameShape", op)).padStart(7)}, certificates ${fmtMs(med("certificates", op)).padStart(7)}` +
        ` | shape/no-op ${(med("noopSameShape", op) / med("noop", op)).toFixed(2)}, certificates/shape ` +
        `${(med("certificates", op) / med("noopSameShape", op)).toFixed(2)} (CPU ` +
        `${(med("certificates", op, "cpuMs") / med("noopSameShape", op, "cpuMs")).toFixed(2)})\n`,
    );
  }
  process.stdout.write(
    `  up with a fresh key per certificate ${fmtMs(med("certificatesFreshKeys", "create"))}, emulator CPU ` +
      `${fmtMs(median(p.emulatorCpuMs.certificatesFreshKeys.create))}; median POST certs ${fmtMs(p.postMs.freshKeys)} ` +
      `generating keys, ${fmtMs(p.postMs.keyPool)} from the key pool\n`,
  );
  for (const op of ["create", "delete"] as const) {
    process.stdout.write(
      `  ${opLabel[op]} without checkpoints: no-op ${fmtMs(med("noopNoCheckpoints", op))}, same shape ` +
        `${fmtMs(med("noopSameShapeNoCheckpoints", op))}, shape/no-op ` +
        `${(med("noopSameShapeNoCheckpoints", op) / med("noopNoCheckpoints", op)).toFixed(2)}\n`,
    );
  }
}

/**
 * Sizes the plain outputs of the same-shape no-op stack so that its state entry weighs what a certificate's does:
 * one resource is created and measured, and the difference goes into the payload. Returns the entry's bytes.
 */
async function calibrateShape(stack: EngineStack, n: number): Promise<{ plain: number; entryBytes: number }> {
  const entryBytes = async (plain: number) => {
    stack.config.count = { value: "1" };
    stack.config.payloadBytes = { value: String(plain) };
    await operate(stack, "create", 1);
    const bytes = footprintOf(await exported(stack), typeOf.noop).stateEntryBytes;
    await operate(stack, "delete", 1);
    return bytes;
  };
  const guess = 1000;
  const plain = Math.max(1, guess + managedState.entryBytes - (await entryBytes(guess)));
  const bytes = await entryBytes(plain);
  stack.config.count = { value: String(n) };
  return { plain, entryBytes: bytes };
}

const profileVariants: ProfileVariant[] = [
  "certificatesFreshKeys",
  "certificates",
  "noopSameShape",
  "noop",
  "noopSameShapeNoCheckpoints",
  "noopNoCheckpoints",
];
const profileOperations: Partial<Record<ProfileVariant, readonly Operation[]>> = {
  certificatesFreshKeys: ["create", "delete"],
  noopSameShapeNoCheckpoints: ["create", "delete"],
  noopNoCheckpoints: ["create", "delete"],
};

// ---------------------------------------------------------------------------------------------------------------
// Report

function markdown(results: Results): string {
  const m = results.machine;
  const p = results.profile;
  const lines: string[] = [];
  const push = (...text: string[]) => lines.push(...text);
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const calls = (c: ApiCalls | undefined) => (c ? `${c.calls}${c.challenges ? ` (+${c.challenges} 401)` : ""}` : "-");

  push(
    `Measured ${m.date.slice(0, 10)} with \`${m.command}\` (${results.runs} run(s) per figure, medians).`,
    "",
    `| Machine | |`,
    `| --- | --- |`,
    `| CPU | ${m.cpu}, \`nproc\` ${m.nproc} |`,
    `| Memory | ${m.memory} |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} |`,
    `| Pulumi | CLI ${m.pulumi}, \`@pulumi/pulumi\` ${m.pulumiSdk} |`,
    `| Load average (1, 5, 15 min) | ${m.loadAverageAtStart} at the start, ${m.loadAverageAtEnd} at the end; per N below |`,
    "",
    "### Targets",
    "",
    "| Target | Measured | |",
    "| --- | --- | --- |",
  );
  for (const t of targets(results)) push(`| ${t.target} | ${t.measured} | ${t.met ? "met" : "**missed**"} |`);

  push(
    "",
    "### State footprint per resource",
    "",
    "| Resource | `__provider` (bytes) | state entry (bytes) |",
    "| --- | ---: | ---: |",
  );
  for (const kind of kinds) {
    const f = results.footprint[kind];
    push(`| ${label[kind]} | ${f.providerBytes} | ${f.stateEntryBytes} |`);
  }
  push(
    "",
    "`__provider` is stored twice per resource (inputs and outputs); the state entry is the resource's compact JSON " +
      "in `pulumi stack export` (secrets as ciphertext), both copies of `__provider` included.",
    "",
    `A certificate's entry: ${Object.entries(results.certificateEntryParts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key, bytes]) => `\`${key}\` ${bytes}`)
      .join(", ")} bytes; the rest is ids, URNs and metadata.`,
    "",
    "### Atlas API calls per operation, one resource",
    "",
    "Authenticated calls from the emulator's request log; digest challenges (401 before authentication) apart.",
    "",
    `| Resource | ${operations.map((op) => opLabel[op]).join(" | ")} |`,
    `| --- | ${operations.map(() => "---:").join(" | ")} |`,
  );
  for (const kind of ["managed", "customer"] as const) {
    push(`| ${label[kind]} | ${operations.map((op) => calls(results.apiCalls[kind][op])).join(" | ")} |`);
  }
  push(
    "",
    `### Refresh of N certificates of ${userCount} users`,
    "",
    "| N | list calls | other calls | 401 challenges |",
    "| ---: | ---: | ---: | ---: |",
  );
  for (const n of sizes) {
    const c = results.timing[n].calls.refresh;
    const list = Object.entries(c.byEndpoint)
      .filter(([k]) => k.startsWith("GET ") && k.endsWith("/certs"))
      .reduce((s, [, v]) => s + v, 0);
    push(`| ${n} | ${list} | ${c.calls - list} | ${c.challenges} |`);
  }

  push(
    "",
    "### Wall time: N certificates next to N no-op dynamic resources",
    "",
    "Medians. Wall: the `pulumi` operation (Automation API, real CLI, file backend). CPU: the whole process tree " +
      "of the operation (runner, CLI, engine, program, plugin; fixed costs included), which other work on the " +
      "machine hardly moves. Emulator CPU: Atlas's side (key generation, signing), on the same cores.",
    "",
    "| N | Operation | no-op wall | certificates wall | wall ratio | CPU ratio | emulator CPU | Atlas calls (+401) |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const n of sizes) {
    const t = results.timing[n];
    for (const op of operations) {
      const a = median(t.ms.managed[op]);
      const b = median(t.ms.noop[op]);
      const cpu = ratio(median(t.cpuMs.managed[op]), median(t.cpuMs.noop[op]));
      push(
        `| ${n} | ${opLabel[op]} | ${secs(b)} | ${secs(a)} | **${ratio(a, b)}** | ${cpu} | ` +
          `${secs(median(t.emulatorCpuMs[op]))} | ${calls(t.calls[op])} |`,
      );
    }
  }
  push(
    "",
    `Load average (1 min) when each N started: ${sizes.map((n) => `N = ${n}: ${results.timing[n].loadAverage[0].toFixed(2)}`).join(", ")}.`,
  );
  if (sizes.length > 1) {
    const lo = sizes[0];
    const hi = sizes[sizes.length - 1];
    push(
      "",
      `Growth: added milliseconds per added resource between N = ${lo} and N = ${hi} (fixed cost = time at N = ${lo}).`,
      "",
      "| Operation | certificates (ms/resource) | no-op (ms/resource) |",
      "| --- | ---: | ---: |",
    );
    for (const op of operations) {
      const slope = (kind: "managed" | "noop") =>
        ((median(results.timing[hi].ms[kind][op]) - median(results.timing[lo].ms[kind][op])) / (hi - lo)).toFixed(1);
      push(`| ${opLabel[op]} | ${slope("managed")} | ${slope("noop")} |`);
    }
    push(
      "",
      `Whole exported state: ${sizes
        .map(
          (n) =>
            `N = ${n}: ${(results.timing[n].stateBytes.managed / 1024).toFixed(0)} KiB ` +
            `(no-op ${(results.timing[n].stateBytes.noop / 1024).toFixed(0)} KiB)`,
        )
        .join("; ")}.`,
    );
  }

  const noopPlugin = median(results.plugin.noop.firstAnswerMs);
  push(
    "",
    "### Plugin: time until it answers its first call",
    "",
    "The real plugin (`pulumi-resource-pulumi-nodejs`) started in the user's project and driven over gRPC as the " +
      "engine drives it: Configure, then Check of one resource whose `__provider` is the string from the state.",
    "",
    "| Provider | boot (spawn to listening) | Configure | first Check (loads the provider) | warm Check | spawn to first answer | ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const kind of kinds) {
    const p = results.plugin[kind];
    push(
      `| ${label[kind]} | ${fmtMs(median(p.bootMs))} | ${fmtMs(median(p.configureMs))} | ${fmtMs(median(p.firstCallMs))} | ` +
        `${median(p.warmCallMs).toFixed(1)} ms | ${fmtMs(median(p.firstAnswerMs))} | **${ratio(median(p.firstAnswerMs), noopPlugin)}** |`,
    );
  }
  push(
    "",
    `In-process, after \`@pulumi/pulumi\` is loaded: \`require("pulumi-atlas-x509")\` (the program) ` +
      `${median(results.moduleLoad.programImportMs).toFixed(1)} ms, \`require("pulumi-atlas-x509/runtime")\` (the ` +
      `plugin) ${median(results.moduleLoad.runtimeImportMs).toFixed(1)} ms.`,
    "",
    `### Where the time goes, N = ${results.profile.n}`,
    "",
    "Stacks of N resources in the same run: no-op; no-op of a certificate's shape (as many outputs, two of them " +
      `secret, a state entry of ${p.stateEntryBytes.noopSameShape} bytes; a certificate's: ` +
      `${p.stateEntryBytes.managed}); certificates against an emulator that hands out pre-generated keys. ` +
      "Shape ÷ no-op is what the engine and the SDK charge for a resource of that shape; certificates ÷ shape is " +
      "what this provider adds.",
    "",
    "| Operation | no-op | same shape | certificates | shape ÷ no-op | certificates ÷ shape | certificates ÷ shape, CPU | certificates ÷ no-op |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  const med = (variant: ProfileVariant, op: Operation, what: "ms" | "cpuMs" = "ms") => median(p[what][variant][op]);
  for (const op of operations) {
    push(
      `| ${opLabel[op]} | ${secs(med("noop", op))} | ${secs(med("noopSameShape", op))} | ` +
        `${secs(med("certificates", op))} | ${ratio(med("noopSameShape", op), med("noop", op))} | ` +
        `**${ratio(med("certificates", op), med("noopSameShape", op))}** | ` +
        `${ratio(med("certificates", op, "cpuMs"), med("noopSameShape", op, "cpuMs"))} | ` +
        `${ratio(med("certificates", op), med("noop", op))} |`,
    );
  }
  push(
    "",
    `With a fresh 2048-bit key per certificate (the emulator as it is, like Atlas), the same up took ` +
      `${secs(med("certificatesFreshKeys", "create"))} (÷ no-op ${ratio(med("certificatesFreshKeys", "create"), med("noop", "create"))}), ` +
      `of which the emulator used ${secs(median(p.emulatorCpuMs.certificatesFreshKeys.create))} of CPU ` +
      `(${secs(median(p.emulatorCpuMs.certificates.create))} with pooled keys). Median POST certs: ` +
      `${fmtMs(p.postMs.freshKeys)} generating the key, ${fmtMs(p.postMs.keyPool)} with pooled keys.`,
    "",
    "Without checkpoints (`PULUMI_SKIP_CHECKPOINTS=true`: the engine writes the state once at the end instead of " +
      "after every step), shape ÷ no-op becomes: " +
      (["create", "delete"] as const)
        .map(
          (op) =>
            `${opLabel[op]} ${secs(med("noopSameShapeNoCheckpoints", op))} ÷ ${secs(med("noopNoCheckpoints", op))} = ` +
            `${ratio(med("noopSameShapeNoCheckpoints", op), med("noopNoCheckpoints", op))}`,
        )
        .join(", ") +
      ` (with checkpoints: ${(["create", "delete"] as const).map((op) => ratio(med("noopSameShape", op), med("noop", op))).join(", ")}).`,
  );
  return lines.join("\n");
}

function targets(results: Results): { target: string; measured: string; met: boolean }[] {
  const at = sizes.includes(50) ? 50 : sizes[sizes.length - 1];
  const t = results.timing[at];
  const up = median(t.ms.managed.create) / median(t.ms.noop.create);
  const previews = sizes.map((n) => ({
    n,
    r: median(results.timing[n].ms.managed.preview) / median(results.timing[n].ms.noop.preview),
  }));
  const providers = (["managed", "customer"] as const).map((k) => results.footprint[k].providerBytes);
  const previewCalls = (["managed", "customer"] as const).map((k) => results.apiCalls[k].preview.calls);
  const createCalls = results.apiCalls.managed.create.calls;
  const customerCreate = results.apiCalls.customer.create.calls;
  return [
    {
      target: "`__provider` <= 1 KB per resource",
      measured: `${providers[0]} B (certificate), ${providers[1]} B (CA bundle)`,
      met: Math.max(...providers) <= 1024,
    },
    {
      target: "preview makes 0 API calls",
      measured: `${previewCalls[0]} (certificate), ${previewCalls[1]} (CA bundle)`,
      met: Math.max(...previewCalls) === 0,
    },
    {
      target: "create makes 1 API call",
      measured: `${createCalls} (certificate); CA bundle ${customerCreate} (reads, then PATCH)`,
      met: createCalls === 1,
    },
    {
      target: `\`up\` ratio to no-op <= 1.3 at N = ${at}`,
      measured: up.toFixed(2),
      met: up <= 1.3,
    },
    {
      target: "preview ratio to no-op <= 1.1",
      measured: previews.map((p) => `${p.r.toFixed(2)} (N = ${p.n})`).join(", "),
      met: previews.every((p) => p.r <= 1.1),
    },
  ];
}

const beginMarker = "<!-- bench:begin (written by npm run bench; edit outside the markers) -->";
const endMarker = "<!-- bench:end -->";

/** Writes the measured section between the markers, formatted the way `npm run lint` (Prettier) wants it. */
async function writeBenchmarksMd(section: string): Promise<void> {
  const file = path.join(repoRoot, "BENCHMARKS.md");
  const current = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : `# Benchmarks\n\n## Measured\n\n${beginMarker}\n${endMarker}\n`;
  const start = current.indexOf(beginMarker);
  const end = current.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md lacks the markers ${beginMarker} ... ${endMarker}`);
  const next = `${current.slice(0, start + beginMarker.length)}\n\n${section}\n\n${current.slice(end)}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a devDependency, needed only here
  const prettier = require("prettier") as typeof import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(next, { ...options, parser: "markdown" }));
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const binDir = pulumiBin();
  const results: Results = {
    quick,
    runs,
    machine: machine(binDir),
    footprint: {} as Results["footprint"],
    certificateEntryParts: {},
    apiCalls: {} as Results["apiCalls"],
    timing: {},
    plugin: Object.fromEntries(
      kinds.map((k) => [k, { bootMs: [], configureMs: [], firstCallMs: [], warmCallMs: [], firstAnswerMs: [] }]),
    ) as unknown as Results["plugin"],
    moduleLoad: { programImportMs: [], runtimeImportMs: [] },
    profile: {
      n: profileSize,
      ms: variantOps(),
      cpuMs: variantOps(),
      emulatorCpuMs: variantOps(),
      postMs: { freshKeys: 0, keyPool: 0 },
      stateEntryBytes: { managed: 0, noopSameShape: 0 },
    },
  };
  process.stdout.write(
    `pulumi ${results.machine.pulumi}, node ${results.machine.node}, ${results.machine.nproc} CPU(s), ` +
      `load ${results.machine.loadAverageAtStart}${quick ? " (quick)" : ""}\n`,
  );
  const started = performance.now();
  const emulator = await startEmulator({
    seedUsers: [...usernames, "single"].map((username) => ({ username, x509Type: "MANAGED" as const })),
  });
  try {
    const targetsByKind = await perResource(emulator, results);
    await pluginLoad(binDir, emulator, targetsByKind, results);
    for (const stack of pendingDisposal.splice(0)) stack.dispose();
    await timing(emulator, results);
    await profile(emulator, results);
  } finally {
    for (const stack of pendingDisposal.splice(0)) stack.dispose();
    await emulator.close();
  }
  results.machine.durationSeconds = ((performance.now() - started) / 1000).toFixed(0);
  results.machine.loadAverageAtEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

  heading("Targets");
  for (const t of targets(results)) {
    process.stdout.write(`  ${t.met ? "met    " : "MISSED "} ${t.target.replace(/`/g, "")}: ${t.measured}\n`);
  }
  const outDir = path.join(repoRoot, "bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const section = markdown(results);
  fs.writeFileSync(path.join(outDir, "benchmarks-section.md"), `${section}\n`);
  if (quick) {
    process.stdout.write(
      `\nbench-results/results.json written in ${results.machine.durationSeconds} s; --quick leaves BENCHMARKS.md as it is.\n`,
    );
  } else {
    await writeBenchmarksMd(section);
    process.stdout.write(
      `\nbench-results/results.json and BENCHMARKS.md written in ${results.machine.durationSeconds} s.\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
