// 3 + 4: wall time of N certificates next to N no-op resources, and where the time goes: at the profile sizes, the
// same operations on no-op resources of a certificate's shape, and `up`/destroy without checkpoints; at the plugin
// sizes, the same certificates through the provider plugin, in the same runs.

import * as os from "node:os";
import type { Emulator } from "../../emulator";
import type { EngineStack } from "../lib/engine";
import {
  checkpointless,
  countCalls,
  emptyOps,
  exported,
  footprintOf,
  heading,
  managedPluginStack,
  managedStack,
  noopStack,
  operate,
  operations,
  pluginSizes,
  pluginUsernames,
  profileSizes,
  resourceOf,
  runs,
  sizes,
  typeOf,
  userCount,
  usernames,
  type ApiCalls,
  type Operation,
  type Results,
  type Variant,
} from "./measure";

/** A certificate's entry: its size, and the plaintext bytes of what it keeps secret. */
export interface CertificateWeight {
  entryBytes: number;
  secretPlaintextBytes: number;
}

export async function timing(emulator: Emulator, results: Results, certificate: CertificateWeight): Promise<void> {
  let shape: { plain: number; secret: number; entryBytes: number } | undefined;
  for (const n of sizes) {
    const profiled = profileSizes.includes(n);
    const plugin = pluginSizes.includes(n);
    const extras = `${profiled ? "; profile" : ""}${plugin ? "; provider plugin" : ""}`;
    heading(`Wall time, N = ${n} (${runs} run(s); certificates of ${userCount} users${extras})`);
    const entry: Results["timing"][string] = {
      ms: {},
      cpuMs: {},
      emulatorCpuMs: emptyOps(),
      calls: {} as Record<Operation, ApiCalls>,
      stateBytes: { managed: 0, noop: 0 },
      loadAverage: os.loadavg(),
    };
    results.timing[n] = entry;
    const noCheckpoints = { PULUMI_SKIP_CHECKPOINTS: "true" };
    const stacks: Partial<Record<Variant, EngineStack>> = {
      managed: managedStack(emulator, `managed-${n}`, usernames, n / userCount),
      noop: noopStack(`noop-${n}`, n),
    };
    try {
      if (plugin) {
        stacks.managedPlugin = managedPluginStack(emulator, `managed-plugin-${n}`, pluginUsernames, n / userCount);
        entry.pluginCalls = {} as Record<Operation, ApiCalls>;
      }
      if (profiled) {
        shape ??= await calibrateShape(certificate);
        entry.shapeEntryBytes = shape.entryBytes;
        stacks.shape = noopStack(`shape-${n}`, n, shape);
        // The engine writes the whole state after every step; with this it writes it once, at the end.
        stacks.shapeNoCheckpoints = noopStack(`shape-nockpt-${n}`, n, shape, noCheckpoints);
        stacks.noopNoCheckpoints = noopStack(`noop-nockpt-${n}`, n, undefined, noCheckpoints);
      }
      const order = Object.keys(stacks) as Variant[];
      for (const variant of order) {
        entry.ms[variant] = emptyOps();
        entry.cpuMs[variant] = emptyOps();
      }
      for (let run = 0; run < runs; run++) {
        // Rotate which stack goes first, so that drift in the machine's load favours none.
        const shift = run % order.length;
        for (const variant of [...order.slice(shift), ...order.slice(0, shift)]) {
          const stack = stacks[variant]!;
          for (const op of checkpointless(variant) ? (["create", "delete"] as const) : operations) {
            const { value, calls } = await countCalls(emulator, () => operate(stack, op, n));
            entry.ms[variant]![op].push(value.ms);
            entry.cpuMs[variant]![op].push(value.cpuMs);
            if (variant === "managed") {
              entry.calls[op] = calls;
              entry.emulatorCpuMs[op].push(value.emulatorCpuMs);
            }
            if (variant === "managedPlugin") entry.pluginCalls![op] = calls;
            if (
              run === 0 &&
              op === "create" &&
              (variant === "managed" || variant === "managedPlugin" || variant === "noop")
            ) {
              entry.stateBytes[variant] = Buffer.byteLength(JSON.stringify(await exported(stack)));
            }
          }
        }
        process.stdout.write(`  run ${run + 1}/${runs} done (load ${os.loadavg()[0].toFixed(2)})\n`);
      }
    } finally {
      for (const stack of Object.values(stacks)) stack.dispose();
    }
  }
}

/**
 * Sizes the plain outputs of the same-shape no-op resource so that its state entry weighs what a certificate's
 * does, with as much secret data: one resource is created and measured, and the difference goes into the payload.
 */
async function calibrateShape(certificate: CertificateWeight) {
  const secret = certificate.secretPlaintextBytes;
  const entryBytes = async (plain: number) => {
    const stack = noopStack("shape-calibration", 1, { plain, secret });
    try {
      await operate(stack, "create", 1);
      return footprintOf(resourceOf(await exported(stack), typeOf.noop)).stateEntryBytes;
    } finally {
      stack.dispose();
    }
  };
  // Two corrections: the size of the payload's own config value moves the entry a little too.
  let plain = 1000;
  for (let step = 0; step < 2; step++) plain = Math.max(1, plain + certificate.entryBytes - (await entryBytes(plain)));
  return { plain, secret, entryBytes: await entryBytes(plain) };
}
