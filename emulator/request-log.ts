// The request log behind control.requests() and control.counts(). Counts are keyed by route template
// ("POST /groups/{groupId}/databaseUsers/{username}/certs", same key for v2 and v1.0) and include only
// authenticated requests, so digest challenges do not inflate them. `seq` keeps increasing across resets.
import type { RequestLogEntry } from "./types";

const MAX_ENTRIES = 100_000;

export class RequestLog {
  private entries: Array<{ entry: RequestLogEntry; countKey: string }> = [];
  private seq = 0;
  private waiters: Array<() => void> = [];

  record(entry: Omit<RequestLogEntry, "seq">, countKey: string): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    this.entries.push({ entry: full, countKey });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return full;
  }

  /** Resolves at once if the log holds more than `count` entries, else when the next request is recorded. */
  beyond(count: number): Promise<void> {
    if (this.entries.length > count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  list(): RequestLogEntry[] {
    return this.entries.map(({ entry }) => entry);
  }

  reset(): void {
    this.entries = [];
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { entry, countKey } of this.entries) {
      if (entry.authenticated) counts[countKey] = (counts[countKey] ?? 0) + 1;
    }
    return counts;
  }
}
