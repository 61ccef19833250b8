// What bounds a resource call of the provider plugin besides Atlas itself: the engine's Cancel (Ctrl-C, SIGTERM),
// which stops everything the plugin still does, and a resource's customTimeouts, which the engine sends with each
// Create, Update and Delete as `timeout` (seconds; 0 when the resource sets none). The deadline covers the whole
// operation, every Atlas request, retry and wait of it; requestTimeoutSeconds stays the bound of one attempt.
import { OperationStopped, withOperationSignal } from "../atlas/abort";

export type TimedOperation = "create" | "update" | "delete";

/** setTimeout fires at once beyond this (about 24.8 days): a longer deadline is no bound worth setting. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The engine's Cancel: one signal for the plugin process, aborted once (the engine closes the plugin after it). */
export class Cancellation {
  readonly #controller = new AbortController();

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  cancel(): void {
    this.#controller.abort(
      new OperationStopped("cancelled", "the Pulumi engine cancelled the operation: Ctrl-C, SIGINT or SIGTERM"),
    );
  }
}

/** Runs `run` with the deadline `timeoutSeconds` from now, which its Atlas requests observe. */
export async function withDeadline<T>(
  operation: TimedOperation,
  timeoutSeconds: number,
  run: () => Promise<T>,
): Promise<T> {
  const ms = timeoutSeconds * 1000;
  if (!(ms > 0) || ms > MAX_TIMER_MS) return run();
  const deadline = new AbortController();
  const reason = `the resource's customTimeouts.${operation} of ${describeSeconds(timeoutSeconds)} ran out`;
  const timer = setTimeout(() => deadline.abort(new OperationStopped("timeout", reason)), ms);
  try {
    return await withOperationSignal(deadline.signal, run);
  } finally {
    clearTimeout(timer);
  }
}

/** As a program writes it: 3s, 5m, 1h; or 90s. */
export function describeSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${Math.round(seconds * 1000) / 1000}s`;
}
