// The request log behind control.requests() and control.counts(). Counts are keyed by route template
// ("POST /groups/{groupId}/databaseUsers/{username}/certs", same key for v2 and v1.0) and include only
// authenticated requests, so digest challenges do not inflate them. `seq` keeps increasing across resets.
import type { RequestLogEntry } from "./types";

const MAX_ENTRIES = 100_000;

export class RequestLog {
  private entries: Array<{ entry: RequestLogEntry; countKey: string }> = [];
  private seq = 0;

  record(entry: Omit<RequestLogEntry, "seq">, countKey: string): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    this.entries.push({ entry: full, countKey });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return full;
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
