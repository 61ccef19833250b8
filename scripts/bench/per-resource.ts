// 1 + 2: one resource of each kind: state footprint and Atlas API calls per operation.

import type { Emulator } from "../../emulator";
import { EngineStack } from "../lib/engine";
import { makeCertificate } from "../lib/pki";
import {
  atlasConfig,
  countCalls,
  exported,
  footprintOf,
  heading,
  kinds,
  label,
  managedStack,
  noopStack,
  operate,
  operations,
  resourceOf,
  typeOf,
  type ApiCalls,
  type Kind,
  type Operation,
  type Results,
} from "./measure";
import type { PluginTarget } from "./plugin-first-call";

/** Measures, and returns what the plugin measurement needs: each kind's project and resource, and the stacks. */
export async function perResource(
  emulator: Emulator,
  results: Results,
): Promise<{ targets: Map<Kind, PluginTarget>; stacks: EngineStack[]; secretPlaintextBytes: number }> {
  heading("State footprint and Atlas API calls per operation (one resource of each kind)");
  const customerProject = await emulator.control.createProject();
  const ca = makeCertificate({ commonName: "Bench Root CA", isCa: true });
  const stacks: Record<Kind, EngineStack> = {
    managed: managedStack(emulator, "single-managed", ["single"], 1),
    customer: EngineStack.create({
      program: "scripts/programs/customer/index.ts",
      projectName: "bench-single-customer",
      config: { projectId: { value: customerProject }, cas: { value: ca.certificatePem }, ...atlasConfig(emulator) },
    }),
    noop: noopStack("single-noop", 1),
  };
  const targets = new Map<Kind, PluginTarget>();
  let secretPlaintextBytes = 0;
  for (const kind of kinds) {
    const stack = stacks[kind];
    const calls = {} as Record<Operation, ApiCalls>;
    for (const op of operations) {
      const { value, calls: seen } = await countCalls(emulator, () => operate(stack, op, 1));
      calls[op] = seen;
      if (op !== "create") continue;
      const resource = resourceOf(await exported(stack), typeOf[kind]);
      results.footprint[kind] = footprintOf(resource);
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
        // The plaintext of what the state keeps secret (the key), for the no-op stack of a certificate's shape.
        secretPlaintextBytes = Buffer.byteLength(String(value.result.outputs?.firstPrivateKeyPem?.value ?? ""));
      }
    }
    if (kind !== "noop") results.apiCalls[kind] = calls;
    process.stdout.write(`  ${label[kind]} done\n`);
  }
  return { targets, stacks: Object.values(stacks), secretPlaintextBytes };
}
