// Stopping Atlas requests before they end: the engine cancelled the operation (Ctrl-C, SIGTERM), or the operation's
// deadline (a resource's customTimeouts) passed. Both arrive as the reason of an AbortSignal that the transport
// watches during each attempt and each retry wait; the reason says which of the two it was.
import { AsyncLocalStorage } from "node:async_hooks";

export type StopKind = "cancelled" | "timeout";

/** The reason an operation was stopped; its message says why, as the error shows it. */
export class OperationStopped extends Error {
  static {
    this.prototype.name = "OperationStopped";
  }

  constructor(
    readonly kind: StopKind,
    message: string,
  ) {
    super(message);
  }
}

/** The reason of an aborted signal, as an OperationStopped (a plain abort() says "cancelled"). */
export function stopReason(signal: AbortSignal): OperationStopped {
  const reason: unknown = signal.reason;
  if (reason instanceof OperationStopped) return reason;
  return new OperationStopped("cancelled", reason instanceof Error ? reason.message : "the operation was cancelled");
}

/**
 * The signal of the operation in progress (its deadline), set around one resource call. Asynchronous context, not
 * a parameter: the provider classes of both routes call the client without knowing which operation they serve.
 */
const operationScope = new AsyncLocalStorage<AbortSignal>();

export function withOperationSignal<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  return operationScope.run(signal, run);
}

export function operationSignal(): AbortSignal | undefined {
  return operationScope.getStore();
}

/** One signal that aborts when any of the given ones does; undefined when none is given. */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
