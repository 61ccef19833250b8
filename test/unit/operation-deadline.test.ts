// The provider plugin's bounds of one resource call: the deadline from a resource's customTimeouts, and the
// engine's Cancel. Timers are jest's fake ones: the tests move time, they never wait for it.
import { OperationStopped, operationSignal } from "../../provider/atlas/abort";
import { Cancellation, describeSeconds, withDeadline } from "../../provider/plugin/operation-deadline";

/** Runs inside withDeadline and hands out the operation's signal, then finishes when told. */
function operation() {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let signal: AbortSignal | undefined;
  const run = async () => {
    signal = operationSignal();
    await finished;
    return "done";
  };
  return { run, finish, signal: () => signal };
}

describe("withDeadline", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("aborts the operation's signal when customTimeouts runs out, naming the operation and the timeout", async () => {
    const op = operation();
    const running = withDeadline("create", 3, op.run);
    jest.advanceTimersByTime(2999);
    expect(op.signal()?.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    const reason: unknown = op.signal()?.reason;
    expect(reason).toBeInstanceOf(OperationStopped);
    expect(reason).toMatchObject({ kind: "timeout", message: "the resource's customTimeouts.create of 3s ran out" });
    op.finish();
    await expect(running).resolves.toBe("done");
  });

  it("stops the timer when the operation ends first", async () => {
    const op = operation();
    const running = withDeadline("update", 5, op.run);
    op.finish();
    await running;
    jest.advanceTimersByTime(60_000);
    expect(op.signal()?.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([
    ["no customTimeouts (0)", 0],
    ["a deadline beyond what a timer can hold", 30 * 24 * 3600],
  ])("sets no deadline for %s", async (_case, seconds) => {
    const op = operation();
    const running = withDeadline("delete", seconds, op.run);
    expect(op.signal()).toBeUndefined();
    op.finish();
    await running;
  });

  it("passes the operation's failure on", async () => {
    const error = new Error("Atlas said no");
    await expect(withDeadline("create", 3, () => Promise.reject(error))).rejects.toBe(error);
  });
});

describe("Cancellation", () => {
  it("aborts its one signal with a reason that says the engine cancelled", () => {
    const cancellation = new Cancellation();
    expect(cancellation.signal.aborted).toBe(false);
    cancellation.cancel();
    expect(cancellation.signal.reason).toMatchObject({ kind: "cancelled" });
    expect((cancellation.signal.reason as Error).message).toMatch(/engine cancelled the operation: Ctrl-C/);
  });
});

describe("describeSeconds", () => {
  it.each([
    [3, "3s"],
    [90, "90s"],
    [300, "5m"],
    [7200, "2h"],
    [1.5, "1.5s"],
  ])("%d seconds read as %s", (seconds, text) => {
    expect(describeSeconds(seconds)).toBe(text);
  });
});
