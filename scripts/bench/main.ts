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

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { repoRoot } from "../lib/engine";
import { writeBenchmarksMd } from "./benchmarks-md";
import { machine, pulumiBin } from "./environment";
import { heading } from "./format";
import { markdown } from "./markdown-report";
import { kinds, variantOps, type Results } from "./model";
import { profileSize, quick, runs, usernames } from "./options";
import { pendingDisposal, perResource } from "./per-resource";
import { pluginLoad } from "./plugin-first-call";
import { profile } from "./profile";
import { targets } from "./targets";
import { timing } from "./wall-time";

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
