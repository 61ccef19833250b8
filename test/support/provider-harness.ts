// Providers wired to a running emulator exactly as the plugin wires them (ProviderContext from stack config),
// with warnings captured instead of sent to an engine.
import { ProviderContext } from "../../provider/context";
import type { Emulator } from "../../emulator";

export interface ProviderHarness {
  context: ProviderContext;
  warnings: string[];
}

export function providerHarness(
  emulator: Emulator,
  options: { now?: () => Date; config?: Record<string, string> } = {},
): ProviderHarness {
  const warnings: string[] = [];
  const config: Record<string, string> = {
    "mongodbatlas:baseUrl": emulator.baseUrl,
    "mongodbatlas:publicKey": emulator.credentials.publicKey,
    "mongodbatlas:privateKey": emulator.credentials.privateKey,
    ...options.config,
  };
  const context = new ProviderContext({
    config: { get: (key) => config[key] },
    env: {},
    warn: async (message) => {
      warnings.push(message);
    },
    now: options.now,
  });
  return { context, warnings };
}
