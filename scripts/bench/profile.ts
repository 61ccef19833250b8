// 5: where the time goes: Atlas's key generation, the resource's shape (outputs, secrets, state size), the provider

import * as os from "node:os";
import { startEmulator, type Emulator } from "../../emulator";
import type { EngineStack } from "../lib/engine";
import { fmtMs, heading } from "./format";
import { opLabel, operations, typeOf, type Operation, type ProfileVariant, type Results } from "./model";
import { exported, operate } from "./operate";
import { profileSize, runs, userCount, usernames } from "./options";
import { managedState } from "./per-resource";
import { managedStack, noopStack } from "./stacks";
import { footprintOf } from "./state";
import { median } from "./stats";

export async function profile(emulator: Emulator, results: Results): Promise<void> {
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
