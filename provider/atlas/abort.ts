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

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts, whichever comes first. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * An auth step's failure before the request left (waiting for another request's digest challenge): whatever ended
 * the wait, Atlas never saw this request, so it is retried like an idempotent one and cannot have issued anything.
 */
export class RequestNotSent extends Error {
  static {
    this.prototype.name = "RequestNotSent";
  }

  constructor(readonly reason: unknown) {
    super("the request was not sent", { cause: reason });
  }
}
