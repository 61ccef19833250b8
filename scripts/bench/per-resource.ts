// 1 + 2: one resource of each kind: state footprint and API calls per operation

import type { Emulator } from "../../emulator";
import { EngineStack } from "../lib/engine";
import { makeCertificate } from "../lib/pki";
import { heading } from "./format";
import { kinds, label, operations, typeOf, type ApiCalls, type Kind, type Operation, type Results } from "./model";
import { countCalls, exported, operate } from "./operate";
import type { PluginTarget } from "./plugin-first-call";
import { atlasConfig, managedStack, noopStack } from "./stacks";
import { footprintOf, stateResources } from "./state";

export async function perResource(emulator: Emulator, results: Results): Promise<Map<Kind, PluginTarget>> {
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
export let managedState = { entryBytes: 0, secretPlaintextBytes: 0, secretStateBytes: 0 };
export const pendingDisposal: EngineStack[] = [];
