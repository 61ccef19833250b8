// `npm run bench`: what this provider costs on top of the Pulumi engine, measured with the real Pulumi CLI against
// the bundled Atlas emulator (loopback only, file backend in temporary directories; certificates with 4096-bit keys
// from the emulator's key pool, so that Atlas's key generation stays out of the timed operations):
//
//   1. state footprint: bytes of `__provider` and of each resource's state entry, next to a no-op dynamic provider,
//      and the same certificate through the provider plugin (no `__provider`, one provider resource per stack);
//   2. Atlas API calls per operation (emulator request log), digest 401 challenges counted apart;
//   3. wall time of preview / up / up without changes / refresh / destroy for N = 10, 50, 100 certificates, next to
//      N no-op dynamic resources in the same runs, as ratios of medians; at N = 50 the provider plugin's too;
//   4. where the time goes at N = 50 and 100: no-op resources of a certificate's weight, and without checkpoints;
//   5. time until the plugin answers its first call: the dynamic-provider plugin and this package's provider plugin,
//      against the no-op provider.
//
// Prints tables, writes bench-results/results.json and the measured section of BENCHMARKS.md.
// Options: --quick (N = 10, one run, BENCHMARKS.md left alone), --runs <n> (default 3), --plugin-first-call-only
// (measurement 5 alone, after the stacks of 1 it starts plugins for; printed, BENCHMARKS.md left alone).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { repoRoot } from "../lib/engine";
import { findPulumiCli, type PulumiCli } from "../lib/pulumi-cli";
import {
  args,
  emptyPluginTimes,
  heading,
  keyBits,
  keyPool,
  kinds,
  ownCpuMs,
  pluginFirstCallOnly,
  pluginUsernames,
  quick,
  runs,
  usernames,
  type Results,
} from "./measure";
import { perResource } from "./per-resource";
import { pluginLoad } from "./plugin-first-call";
import { markdown, pluginFirstCallSection } from "./report";
import { timing } from "./wall-time";

async function main(): Promise<void> {
  const cli = findPulumiCli();
  const results: Results = {
    quick,
    runs,
    machine: machine(cli),
    footprint: {} as Results["footprint"],
    certificateEntryParts: {},
    pluginCertificateEntryParts: {},
    providerResourceBytes: { dynamic: 0, plugin: 0 },
    pluginStateFindings: [],
    apiCalls: {} as Results["apiCalls"],
    keyGeneration: { keyBits, keys: keyPool, wallMs: 0, cpuMs: 0 },
    timing: {},
    plugin: Object.fromEntries(kinds.map((k) => [k, emptyPluginTimes()])) as Results["plugin"],
    moduleLoad: { programImportMs: [], runtimeImportMs: [], pluginProgramImportMs: [] },
    release: { archiveBytes: 0, executableBytes: 0, firstCall: emptyPluginTimes() },
  };
  const m = results.machine;
  process.stdout.write(
    `pulumi ${m.pulumi}, node ${m.node}, ${m.nproc} CPU(s), load ${m.loadAverageAtStart}${quick ? " (quick)" : ""}\n`,
  );
  const started = performance.now();
  const cpuBefore = ownCpuMs();
  const emulator = await startEmulator({
    keyBits,
    keyPool,
    seedUsers: [...usernames, ...pluginUsernames, "single", "single-plugin"].map((username) => ({
      username,
      x509Type: "MANAGED" as const,
    })),
  });
  results.keyGeneration.wallMs = performance.now() - started;
  results.keyGeneration.cpuMs = ownCpuMs() - cpuBefore;
  try {
    const single = await perResource(emulator, results);
    try {
      await pluginLoad(cli.binDir, emulator, single.targets, results);
    } finally {
      for (const stack of single.stacks) stack.dispose();
    }
    if (pluginFirstCallOnly) {
      const section = pluginFirstCallSection(results).join("\n");
      heading("Results");
      process.stdout.write(`${section}\n`);
      writeResults(results, "plugin-first-call", section);
      return;
    }
    const { stateEntryBytes } = results.footprint.managed;
    await timing(emulator, results, { entryBytes: stateEntryBytes, secretPlaintextBytes: single.secretPlaintextBytes });
  } finally {
    await emulator.close();
  }
  m.durationSeconds = ((performance.now() - started) / 1000).toFixed(0);
  m.loadAverageAtEnd = loadAverage();

  const section = markdown(results);
  heading("Results");
  process.stdout.write(`${section}\n`);
  writeResults(results, "results", section);
  if (!quick) await writeBenchmarksMd(section);
  process.stdout.write(
    `\nbench-results/results.json${quick ? "" : " and BENCHMARKS.md"} written in ${m.durationSeconds} s` +
      `${quick ? "; --quick leaves BENCHMARKS.md as it is" : ""}.\n`,
  );
}

/** bench-results/<name>.json, and the Markdown beside it. */
function writeResults(results: Results, name: string, section: string): void {
  const outDir = path.join(repoRoot, "bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, name === "results" ? "benchmarks-section.md" : `${name}.md`), `${section}\n`);
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function machine(cli: PulumiCli): Record<string, string> {
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(read("/proc/meminfo"))?.[1] ?? os.totalmem() / 1024);
  const sdk = JSON.parse(read(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"))) as {
    version: string;
  };
  return {
    date: new Date().toISOString(),
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`,
    nproc: execFileSync("nproc", { encoding: "utf8" }).trim(),
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(read("/proc/cpuinfo"))?.[1].trim() ?? os.cpus()[0]?.model ?? "unknown",
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pulumi: cli.version,
    pulumiSdk: sdk.version,
    loadAverageAtStart: loadAverage(),
  };
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

main().catch((err: unknown) => {
  process.stderr.write(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
