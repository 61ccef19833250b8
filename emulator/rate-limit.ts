// Rate limits, two ways:
//  - nominal (always on v2): Atlas's RateLimit-* headers per route family, as recorded: 1200 for the certs routes
//    and for userSecurity (one budget across its methods), 10000 for databaseUsers. RateLimit-Remaining counts down
//    per credential, project and family within a 60-second window; nothing is refused.
//  - configured (control API `PUT /rate-limit`, CLI --rate-limit-*): one enforced token bucket per credential for
//    every endpoint, refilled continuously; an empty bucket answers 429 with Retry-After.
// Both use real time, so moving the emulator clock neither refills nor drains them.
import type { RateLimitSettings } from "./types";

/** Seconds of one nominal window (a guess: the recordings show counting down over 21 s without a refill). */
export const NOMINAL_WINDOW_SECONDS = 60;

export type RateDecision =
  | { allowed: true; limit: number; remaining: number }
  | { allowed: false; limit: number; remaining: 0; retryAfterSeconds: number };

export class RateLimiter {
  private settings: RateLimitSettings | null = null;
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly windows = new Map<string, { startedAt: number; used: number }>();

  /** `now`: real time in milliseconds; a test may pass a clock of its own. */
  constructor(private readonly now: () => number = Date.now) {}

  configure(settings: RateLimitSettings | null): void {
    if (settings && !(settings.capacity >= 1 && settings.refillPerSecond >= 0)) {
      throw new Error("capacity must be >= 1 and refillPerSecond >= 0");
    }
    this.settings = settings;
    this.buckets.clear();
  }

  get configured(): RateLimitSettings | null {
    return this.settings;
  }

  /** Takes a token from the credential's enforced bucket; undefined when no limit is configured. */
  take(credential: string): RateDecision | undefined {
    if (!this.settings) return undefined;
    const { capacity, refillPerSecond } = this.settings;
    const now = this.now();
    const bucket = this.buckets.get(credential) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(credential, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, limit: capacity, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterSeconds =
      refillPerSecond > 0 ? Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) : 3600;
    return { allowed: false, limit: capacity, remaining: 0, retryAfterSeconds };
  }

  /** Counts one request against Atlas's nominal budget of the family and reports the headers' values. */
  nominal(credential: string, projectId: string, family: string, limit: number): { limit: number; remaining: number } {
    const key = `${credential}\u0000${projectId}\u0000${family}`;
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= NOMINAL_WINDOW_SECONDS * 1000) {
      window = { startedAt: now, used: 0 };
      this.windows.set(key, window);
    }
    window.used++;
    return { limit, remaining: Math.max(0, limit - window.used) };
  }
}
