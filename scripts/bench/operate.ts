// Stacks and measurements: one measured `pulumi` operation, the state export, and the Atlas calls it made.

import type { Emulator } from "../../emulator";
import type { EngineStack } from "../lib/engine";
import type { StackResult } from "../lib/stack-cli";
import { opLabel, type ApiCalls, type Operation } from "./model";
import { childrenCpuMs, ownCpuMs } from "./process-cpu";

export interface Measured {
  /** Wall time of the `pulumi` operation. */
  ms: number;
  /** CPU of the whole runner process tree (fixed costs included: node start, stack selection, config). */
  cpuMs: number;
  /** CPU of the emulator while the operation ran. */
  emulatorCpuMs: number;
  result: StackResult;
}

/** Runs one operation (without the state export) and checks that it did what it should. */
export async function operate(stack: EngineStack, op: Operation, resources: number): Promise<Measured> {
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
export async function exported(stack: EngineStack): Promise<unknown> {
  const result = await stack.export();
  if (!result.ok || !result.deployment) throw new Error(`export failed: ${result.error}`);
  return result.deployment;
}

/** Runs `work` with the emulator's request log cleared first; returns what Atlas saw. */
export async function countCalls<T>(
  emulator: Emulator,
  work: () => Promise<T>,
): Promise<{ value: T; calls: ApiCalls }> {
  await emulator.control.resetRequests();
  const value = await work();
  const byEndpoint = await emulator.control.counts();
  const log = await emulator.control.requests();
  const calls = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
  const challenges = log.filter((r) => !r.authenticated && r.status === 401).length;
  return { value, calls: { calls, challenges, byEndpoint } };
}
