// 1 + 2: one resource of each kind: state footprint and Atlas API calls per operation; for the provider plugin's
// certificate also its provider resource, and what its state must not hold.

import type { Emulator } from "../../emulator";
import { EngineStack } from "../lib/engine";
import { makeCertificate } from "../lib/pki";
import {
  atlasConfig,
  countCalls,
  entryParts,
  exported,
  footprintOf,
  heading,
  kinds,
  label,
  managedPluginStack,
  managedStack,
  noopStack,
  operate,
  operations,
  pluginStateFindings,
  providerTypeOf,
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
    managedPlugin: managedPluginStack(emulator, "single-managed-plugin", ["single-plugin"], 1),
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
      const deployment = await exported(stack);
      const resource = resourceOf(deployment, typeOf[kind]);
      results.footprint[kind] = footprintOf(resource);
      targets.set(kind, {
        projectDir: stack.workDir,
        binDir: stack.binDir,
        type: resource.type,
        inputs: resource.inputs,
      });
      // The plaintext of the key the state keeps secret: the weight of the no-op stack of a certificate's shape, and
      // what must not show in the plugin route's state.
      const privateKeyPem = String(value.result.outputs?.firstPrivateKeyPem?.value ?? "");
      if (kind === "managed") {
        results.certificateEntryParts = entryParts(resource);
        results.providerResourceBytes.dynamic = footprintOf(
          resourceOf(deployment, providerTypeOf.dynamic),
        ).stateEntryBytes;
        secretPlaintextBytes = Buffer.byteLength(privateKeyPem);
      }
      if (kind === "managedPlugin") {
        results.pluginCertificateEntryParts = entryParts(resource);
        results.providerResourceBytes.plugin = footprintOf(
          resourceOf(deployment, providerTypeOf.plugin),
        ).stateEntryBytes;
        results.pluginStateFindings = pluginStateFindings(deployment, emulator.credentials.privateKey, privateKeyPem);
      }
    }
    if (kind !== "noop") results.apiCalls[kind] = calls;
    process.stdout.write(`  ${label[kind]} done\n`);
  }
  return { targets, stacks: Object.values(stacks), secretPlaintextBytes };
}
