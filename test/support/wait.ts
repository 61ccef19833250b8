// Waiting on something a test cannot be called back by (the emulator's state, seen through its control API): the
// condition decides, the time limit only ends a test that would otherwise hang.

/** Resolves once `condition` holds, checking it again every `everyMs`; fails after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  { timeoutMs = 120_000, everyMs = 200 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
