// The emulator clock: real time plus an adjustable offset, so tests can expire certificates and tokens
// without waiting. Nonces and rate-limit buckets deliberately use real time (see atlas-api/digest-auth.ts, rate-limit.ts).
const DAY_MS = 24 * 60 * 60 * 1000;

export class EmulatorClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }

  advanceDays(days: number): void {
    this.offsetMs += days * DAY_MS;
  }
}

/** Drops milliseconds: X.509 validity and Atlas timestamps have one-second precision. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** ISO 8601 in UTC without milliseconds, as Atlas writes it ("2026-08-10T02:06:35Z"). */
export function atlasTimestamp(date: Date): string {
  return truncateToSeconds(date).toISOString().replace(".000Z", "Z");
}

/**
 * Adds calendar months and clamps to the month's last day (Jan 31 + 1 month = Feb 28/29),
 * the way Java's plusMonths does; JavaScript's setUTCMonth would roll over into March instead.
 */
export function addCalendarMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}
