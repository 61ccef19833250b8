// What reaches the user besides results: warnings, as real engine warnings in `pulumi preview`/`up` output, and
// the rule for errors (isBug).
//
// The dynamic-provider plugin does not connect @pulumi/pulumi's log module to the engine, so
// pulumi.log.warn() would print a plain message. We send the warning to the engine's address (engine-address.ts)
// ourselves, and fall back to stderr only when there is no engine to send it to.
// The provider plugin also names the resource a warning is about (its URN), so the CLI shows it under that
// resource; the dynamic-provider plugin is never told the URN, so its warnings show under the stack.

import { engineGrpc } from "./pulumi-grpc";
import { engineAddress } from "./engine-address";

export type WarningSink = (message: string) => Promise<void>;
/** Sends a warning to the engine, about the resource `urn` when given. */
export type EngineWarning = (message: string, urn?: string) => Promise<void>;

const enginePattern = /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/;

/** The engine's Log client, for the address it was made for (Handshake or Attach may announce another). */
let engineSink: { address: string | undefined; send: EngineWarning } | undefined;

export const engineWarning: EngineWarning = (message, urn) => {
  const address = engineAddress();
  const sink =
    engineSink && engineSink.address === address
      ? engineSink
      : (engineSink = { address, send: connectEngine(address) ?? stderrWarning });
  return sink.send(message, urn).catch(() => stderrWarning(message));
};

async function stderrWarning(message: string): Promise<void> {
  process.stderr.write(`warning: ${message}\n`);
}

function connectEngine(address: string | undefined): EngineWarning | undefined {
  if (!address || !enginePattern.test(address)) return undefined;
  try {
    const { grpc, engineProto, engineRpc } = engineGrpc();
    const client = new engineRpc.EngineClient(address, grpc.credentials.createInsecure());
    return (message, urn) =>
      new Promise<void>((resolve, reject) => {
        const request = new engineProto.LogRequest();
        request.setSeverity(engineProto.LogSeverity.WARNING);
        request.setMessage(message);
        if (urn) request.setUrn(urn);
        client.log(request, (err) => (err ? reject(err) : resolve()));
      });
  } catch {
    return undefined;
  }
}

/**
 * Errors that mean a bug in this package: they keep their stack trace. The errors it raises on purpose (Atlas errors
 * with request, status, errorCode and hint; configuration problems) are complete in their message, and both the
 * dynamic-provider route (runtime.ts) and the plugin (plugin/server.ts) show only that.
 */
export function isBug(error: unknown): boolean {
  return [TypeError, ReferenceError, RangeError, SyntaxError].some((type) => error instanceof type);
}
