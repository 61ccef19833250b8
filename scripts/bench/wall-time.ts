// 3: wall time for N certificates next to N no-op resources

import * as os from "node:os";
import type { Emulator } from "../../emulator";
import { fmtMs, heading } from "./format";
import { emptyOps, opLabel, operations, type ApiCalls, type Operation, type Results } from "./model";
import { countCalls, exported, operate } from "./operate";
import { runs, sizes, userCount, usernames } from "./options";
import { managedStack, noopStack } from "./stacks";
import { median } from "./stats";

export async function timing(emulator: Emulator, results: Results): Promise<void> {
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
