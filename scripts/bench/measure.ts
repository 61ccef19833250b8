// What the benchmark measures and how: options, resource kinds and operations, the stacks it deploys, one measured
// `pulumi` operation (wall time, CPU, Atlas calls), footprints in an exported state, and the shape of the results.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import type { Emulator } from "../../emulator";
import { EngineStack } from "../lib/engine";
import { pluginRoute } from "../lib/routes";
import type { StackResult } from "../lib/stack-cli";

export const args = process.argv.slice(2);
export const quick = args.includes("--quick");
/** Only measurement 5 (and the stacks it needs), printed, BENCHMARKS.md left alone. */
export const pluginFirstCallOnly = args.includes("--plugin-first-call-only");
const runsArg = args.indexOf("--runs");
export const runs = quick ? 1 : runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1])) : 3;
export const sizes = quick ? [10] : [10, 50, 100];
/** Sizes at which the provider plugin's stack of certificates runs too, beside the dynamic one. */
export const pluginSizes = quick ? [10] : [50];
/** Sizes at which the stacks that explain where the time goes run too. */
export const profileSizes = quick ? [10] : [50, 100];
export const pluginRuns = quick ? 3 : 7;
/** Certificates of a stack belong to this many users: refresh should list each user once, not each certificate. */
export const userCount = 5;
export const usernames = Array.from({ length: userCount }, (_, i) => `svc-${i}`);
/** The plugin route's certificates belong to users of their own, so that each route's refresh lists only its own. */
export const pluginUsernames = usernames.map((u) => `plugin-${u}`);
/** Atlas issues RSA 4096 keys; the emulator generates this many up front and hands them out in turn. */
export const keyBits = 4096;
export const keyPool = 8;

/** `managedPlugin`: the same certificate as `managed`, served by the provider plugin instead of a dynamic resource. */
export const kinds = ["managed", "managedPlugin", "customer", "noop"] as const;
export type Kind = (typeof kinds)[number];
export const typeOf: Record<Kind, string> = {
  managed: "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate",
  managedPlugin: "atlas-x509:index:ManagedX509Certificate",
  customer: "pulumi-nodejs:dynamic/atlas:CustomerX509Config",
  noop: "pulumi-nodejs:dynamic/bench:Noop",
};
export const label: Record<Kind, string> = {
  managed: "ManagedX509Certificate",
  managedPlugin: "ManagedX509Certificate, provider plugin",
  customer: "CustomerX509Config",
  noop: "no-op dynamic provider",
};
/** The default provider resource each route adds once per stack. */
export const providerTypeOf = { dynamic: "pulumi:providers:pulumi-nodejs", plugin: "pulumi:providers:atlas-x509" };
export const pluginLauncher = "pulumi-resource-atlas-x509";

export const operations = ["preview", "create", "update", "refresh", "delete"] as const;
export type Operation = (typeof operations)[number];
export const opLabel: Record<Operation, string> = {
  preview: "preview",
  create: "up (create)",
  update: "up (no changes)",
  refresh: "refresh",
  delete: "destroy",
};

/**
 * The stacks of one N: certificates and no-op resources always; at the profile sizes also no-op resources of a
 * certificate's shape (a state entry as heavy), and both no-op stacks without checkpoints (up and destroy only); at
 * the plugin sizes also the certificates through the provider plugin.
 */
export const variants = [
  "managed",
  "managedPlugin",
  "noop",
  "shape",
  "shapeNoCheckpoints",
  "noopNoCheckpoints",
] as const;
export type Variant = (typeof variants)[number];
export const checkpointless = (v: Variant) => v.endsWith("NoCheckpoints");

export interface ApiCalls {
  /** Authenticated requests. */
  calls: number;
  /** Digest challenges (401 before authentication), not in `calls`. */
  challenges: number;
  byEndpoint: Record<string, number>;
}

export type PerOperation = Record<Operation, number[]>;

export interface Results {
  quick: boolean;
  runs: number;
  machine: Record<string, string>;
  footprint: Record<Kind, { providerBytes: number; stateEntryBytes: number }>;
  /** A certificate's state entry by part: each output (JSON bytes, secrets as ciphertext), and all inputs. */
  certificateEntryParts: Record<string, number>;
  /** The same, for the certificate served by the provider plugin. */
  pluginCertificateEntryParts: Record<string, number>;
  /** State entry of each route's default provider resource, once per stack. */
  providerResourceBytes: Record<keyof typeof providerTypeOf, number>;
  /** What the plugin route's state must not hold and does (`__provider`, a credential, a key in plain text). */
  pluginStateFindings: string[];
  apiCalls: Record<Exclude<Kind, "noop">, Record<Operation, ApiCalls>>;
  /** The emulator's key pool, filled at its start: Atlas's key generation, kept out of every timed operation. */
  keyGeneration: { keyBits: number; keys: number; wallMs: number; cpuMs: number };
  /** By N: per-operation times of every run, by stack (see `variants`), and what the certificates cost Atlas. */
  timing: Record<
    string,
    {
      ms: Partial<Record<Variant, PerOperation>>;
      cpuMs: Partial<Record<Variant, PerOperation>>;
      emulatorCpuMs: PerOperation;
      calls: Record<Operation, ApiCalls>;
      /** The plugin route's certificates (plugin sizes only). */
      pluginCalls?: Record<Operation, ApiCalls>;
      stateBytes: Record<"managed" | "noop", number> & { managedPlugin?: number };
      /** State entry of one same-shape no-op resource (profile sizes only). */
      shapeEntryBytes?: number;
      loadAverage: number[];
    }
  >;
  plugin: Record<Kind, PluginTimes>;
  moduleLoad: { programImportMs: number[]; runtimeImportMs: number[]; pluginProgramImportMs: number[] };
  /** The provider plugin's release (scripts/lib/release.ts): sizes, and its executable timed as `plugin` is. */
  release: { archiveBytes: number; executableBytes: number; firstCall: PluginTimes };
}

export type PluginTimes = Record<"bootMs" | "configureMs" | "firstCallMs" | "warmCallMs" | "firstAnswerMs", number[]>;
export const emptyPluginTimes = (): PluginTimes => ({
  bootMs: [],
  configureMs: [],
  firstCallMs: [],
  warmCallMs: [],
  firstAnswerMs: [],
});

export const emptyOps = (): PerOperation => ({ preview: [], create: [], update: [], refresh: [], delete: [] });

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
export const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (a: number, b: number): string => (a / b).toFixed(2);
export const heading = (text: string): boolean => process.stdout.write(`\n== ${text}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Stacks

export function atlasConfig(emulator: Emulator): Record<string, { value: string; secret?: boolean }> {
  return {
    "mongodbatlas:baseUrl": { value: emulator.baseUrl },
    "mongodbatlas:publicKey": { value: emulator.credentials.publicKey, secret: true },
    "mongodbatlas:privateKey": { value: emulator.credentials.privateKey, secret: true },
  };
}

/** The same settings under the plugin's own keys: the engine sends a plugin only its package's config. */
export function pluginAtlasConfig(emulator: Emulator): Record<string, { value: string; secret?: boolean }> {
  return Object.fromEntries(
    Object.entries(atlasConfig(emulator)).map(([key, value]) => [key.replace(/^mongodbatlas:/, "atlas-x509:"), value]),
  );
}

export function managedStack(emulator: Emulator, name: string, users: string[], perUser: number): EngineStack {
  return EngineStack.create({
    program: "scripts/programs/managed/index.ts",
    projectName: `bench-${name}`,
    config: {
      projectId: { value: emulator.projectId },
      usernames: { value: JSON.stringify(users) },
      certificatesPerUser: { value: String(perUser) },
      ...atlasConfig(emulator),
    },
  });
}

/** The `managed` stack's certificates through the provider plugin, which the engine starts from node_modules/.bin. */
export function managedPluginStack(emulator: Emulator, name: string, users: string[], perUser: number): EngineStack {
  return EngineStack.create({
    program: "scripts/programs/managed/index.ts",
    projectName: `bench-${name}`,
    route: pluginRoute,
    config: {
      projectId: { value: emulator.projectId },
      usernames: { value: JSON.stringify(users) },
      certificatesPerUser: { value: String(perUser) },
      ...pluginAtlasConfig(emulator),
    },
  });
}

/** N no-op resources; with a payload, of a certificate's shape; `env` e.g. to turn checkpoints off. */
export function noopStack(
  name: string,
  count: number,
  payload?: { plain: number; secret: number },
  env?: Record<string, string>,
): EngineStack {
  return EngineStack.create({
    env,
    program: "scripts/programs/noop/index.ts",
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

// ---------------------------------------------------------------------------------------------------------------
// One measured operation

export interface Measured {
  /** Wall time of the `pulumi` operation. */
  ms: number;
  /** CPU of the whole runner process tree (fixed costs included: node start, stack selection, config). */
  cpuMs: number;
  /** CPU of the emulator (this process) while the operation ran. */
  emulatorCpuMs: number;
  result: StackResult;
}

/** Runs one operation (without the state export) and checks that it did what it should. */
export async function operate(stack: EngineStack, op: Operation, resources: number): Promise<Measured> {
  const opts = { exportState: false };
  const cpuBefore = childrenCpuMs();
  const emulatorBefore = ownCpuMs();
  const run = {
    preview: () => stack.preview(opts),
    create: () => stack.up(opts),
    update: () => stack.up({ ...opts, expectNoChanges: true }),
    refresh: () => stack.refresh({ ...opts, expectNoChanges: true }),
    delete: () => stack.destroy(opts),
  }[op];
  const expected = { preview: "create", create: "create", update: "same", refresh: "same", delete: "delete" }[op];
  const result = await run();
  const summary: Record<string, number | undefined> = { ...result.changeSummary };
  if (!result.ok || summary[expected] !== resources + 1 || result.operationMs === undefined) {
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

/** Runs `work` with the emulator's request log cleared first; returns what Atlas saw. */
export async function countCalls<T>(
  emulator: Emulator,
  work: () => Promise<T>,
): Promise<{ value: T; calls: ApiCalls }> {
  await once(() => emulator.control.resetRequests());
  const value = await work();
  const byEndpoint = await once(() => emulator.control.counts());
  const log = await once(() => emulator.control.requests());
  const calls = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
  const challenges = log.filter((r) => !r.authenticated && r.status === 401).length;
  return { value, calls: { calls, challenges, byEndpoint } };
}

/** A control call, retried once: a kept-alive socket the emulator closed while the engine ran can fail the first. */
const once = <T>(call: () => Promise<T>): Promise<T> => call().catch(() => call());

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
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// ---------------------------------------------------------------------------------------------------------------
// The exported state

export interface StateResource {
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface Deployment {
  resources?: StateResource[];
}

/** `pulumi stack export` (secrets stay ciphertext), outside any measurement. */
export async function exported(stack: EngineStack): Promise<Deployment> {
  const result = await stack.export();
  if (!result.ok || !result.deployment) throw new Error(`export failed: ${result.error}`);
  return result.deployment as Deployment;
}

export function resourceOf(deployment: Deployment, type: string): StateResource {
  const resource = deployment.resources?.find((r) => r.type === type);
  if (!resource) throw new Error(`no ${type} in the exported state`);
  return resource;
}

/** `__provider` bytes (0 without one: the plugin route) and the whole state entry (compact JSON) of a resource. */
export function footprintOf(resource: StateResource): { providerBytes: number; stateEntryBytes: number } {
  const provider = resource.outputs.__provider ?? resource.inputs.__provider;
  const dynamic = resource.type.startsWith("pulumi-nodejs:dynamic");
  if (dynamic && typeof provider !== "string") throw new Error(`__provider of ${resource.type} is not a plain string`);
  const providerBytes =
    provider === undefined ? 0 : Buffer.byteLength(typeof provider === "string" ? provider : JSON.stringify(provider));
  return { providerBytes, stateEntryBytes: Buffer.byteLength(JSON.stringify(resource)) };
}

/** Bytes of each output (JSON, secrets as ciphertext) and of all inputs: what a state entry is made of. */
export function entryParts(resource: StateResource): Record<string, number> {
  return {
    ...Object.fromEntries(
      Object.entries(resource.outputs).map(([key, v]) => [`outputs.${key}`, Buffer.byteLength(JSON.stringify(v))]),
    ),
    inputs: Buffer.byteLength(JSON.stringify(resource.inputs)),
  };
}

/**
 * What a plugin route's state must not hold: `__provider` in any resource, the API private key, or a private key in
 * plain text (a PEM header, or a line of the body of `privateKeyPem`). Returns what it found, described.
 */
export function pluginStateFindings(deployment: Deployment, apiPrivateKey: string, privateKeyPem: string): string[] {
  const text = JSON.stringify(deployment);
  const keyLines = privateKeyPem.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----"));
  if (keyLines.length === 0) throw new Error("no private key to look for in the state");
  const found: string[] = [];
  for (const resource of deployment.resources ?? []) {
    if ("__provider" in (resource.inputs ?? {}) || "__provider" in (resource.outputs ?? {})) {
      found.push(`\`__provider\` in ${resource.type}`);
    }
  }
  if (text.includes(apiPrivateKey)) found.push("the API private key");
  if (/PRIVATE KEY-----/.test(text) || keyLines.some((line) => text.includes(line))) {
    found.push("a private key in plain text");
  }
  return found;
}
