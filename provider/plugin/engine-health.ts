// The plugin's watch on the engine that started it. The engine starts plugins in process groups of their own, so
// a `pulumi up` killed with its process group (a CI job's timeout, a lost runner) leaves them running; Pulumi's
// own plugins poll the engine's standard gRPC health service and exit when it stops answering (the Go provider SDK
// every 5 minutes). This one polls every few seconds and gives up after a few failed checks in a row: a plugin
// whose engine is gone exits within about half a minute, and one slow answer of a busy engine is not taken for
// its death.
import { engineGrpc } from "../pulumi-grpc";

export interface EngineHealthOptions {
  /** Between the end of one check and the start of the next. */
  intervalMs?: number;
  /** How long one check may take. */
  deadlineMs?: number;
  /** Failed checks in a row that mean the engine is gone. */
  failuresAllowed?: number;
}

const healthCheck = "/grpc.health.v1.Health/Check";

/**
 * Polls the engine at `address` until it stops answering, then calls `onGone` once with the last error. An engine
 * without a health service (UNIMPLEMENTED) counts as alive, as in Pulumi's own check. Returns a stop function.
 */
export function watchEngine(
  address: string,
  onGone: (reason: string) => void,
  { intervalMs = 3_000, deadlineMs = 10_000, failuresAllowed = 3 }: EngineHealthOptions = {},
): () => void {
  const { grpc } = engineGrpc();
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    client.close();
  };
  const schedule = () => {
    // unref: the watch alone never keeps the process alive; the gRPC server does, as long as it serves.
    if (!stopped) timer = setTimeout(check, intervalMs).unref();
  };
  const check = () => {
    // HealthCheckRequest { service: "" } encodes as no bytes; the answer's status does not matter, only that it came.
    client.makeUnaryRequest(
      healthCheck,
      (request: Buffer) => request,
      (answer: Buffer) => answer,
      Buffer.alloc(0),
      { deadline: Date.now() + deadlineMs },
      (error) => {
        if (stopped) return;
        failures = error && error.code !== grpc.status.UNIMPLEMENTED ? failures + 1 : 0;
        if (failures < failuresAllowed) return schedule();
        stop();
        onGone(`${failures} health checks in a row answered ${error ? grpc.status[error.code] : "nothing"}`);
      },
    );
  };
  schedule();
  return stop;
}
