#!/usr/bin/env node
// pulumi-resource-atlas-x509: the provider plugin the Pulumi engine starts for the package atlas-x509. The engine
// runs it with its own flags and address as the arguments and reads the port of the plugin's gRPC server from
// stdout; the plugin exits once that engine is gone (engine-health.ts).
//
// Started without an engine address (by hand, under a debugger), it serves on `--port <n>` (default: a free port),
// prints the port and waits for engines to attach with PULUMI_DEBUG_PROVIDERS=atlas-x509:<port>, one after another,
// until it is stopped.
import { engineAddressFromArgs } from "../engine-address";
import { watchEngine } from "./engine-health";
import { serve } from "./server";

const name = "pulumi-resource-atlas-x509";

function fail(message: string): never {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(1);
}

/** The value of `--port`, for a plugin started by hand. */
function requestedPort(args: readonly string[]): number {
  const at = args.indexOf("--port");
  if (at < 0) return 0;
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port takes a port number, got "${args[at + 1]}"`);
  return port;
}

async function main(args: readonly string[]): Promise<void> {
  const engine = engineAddressFromArgs(args);
  const port = await serve(requestedPort(args));
  if (engine) {
    watchEngine(engine, (reason) => fail(`the engine at ${engine} is gone (${reason}); exiting`));
  } else {
    process.stderr.write(`${name}: waiting for an engine: PULUMI_DEBUG_PROVIDERS=atlas-x509:${port}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
