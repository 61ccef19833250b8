// Where the Pulumi engine listens: warnings go there (diagnostics.ts), and the provider plugin watches it
// (plugin/engine-health.ts).
//
// The engine starts a plugin with its own flags before its address (`--logtostderr`, `-v=<n>` under
// `--logflow`, `--tracing <endpoint>`), so the address is not simply the first argument. A plugin that implements
// Handshake (or is attached with PULUMI_DEBUG_PROVIDERS) is told the address again; that one wins.

let announced: string | undefined;

/** Flags followed by a value: the engine's `--tracing <endpoint>`, and `--port <n>` of a plugin started by hand. */
const flagsWithValue = new Set(["--tracing", "--port"]);

/**
 * The engine's address among a plugin's arguments (`process.argv.slice(2)`), found as @pulumi/pulumi's provider
 * server finds it: the flags (and the values of `--tracing` and `--port`) are skipped, and the address is the first
 * argument left. Undefined when none is left: the plugin was started by hand, to be attached.
 */
export function engineAddressFromArgs(args: readonly string[]): string | undefined {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (flagsWithValue.has(arg)) i++;
    else if (!arg.startsWith("-")) positional.push(arg);
  }
  return positional[0];
}

/** The engine's address: the last one Handshake or Attach announced, else the one among the arguments. */
export function engineAddress(): string | undefined {
  return announced ?? engineAddressFromArgs(process.argv.slice(2));
}

/** Records the address the engine announced in Handshake or Attach. */
export function announceEngineAddress(address: string): void {
  if (address) announced = address;
}
