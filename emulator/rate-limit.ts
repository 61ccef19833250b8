// Optional token-bucket rate limit per credential (API key or service account). Buckets refill in real time, so
// moving the emulator clock neither refills nor drains them. Without a configured limit, every request passes and
// v2 still reports Atlas's nominal RateLimit-* headers.
import type { RateLimitSettings } from "./types";

export type RateDecision =
  | { allowed: true; limit: number; remaining: number }
  | { allowed: false; limit: number; remaining: 0; retryAfterSeconds: number };

export class RateLimiter {
  private settings: RateLimitSettings | null = null;
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  configure(settings: RateLimitSettings | null): void {
    if (settings && !(settings.capacity >= 1 && settings.refillPerSecond >= 0)) {
      throw new Error("capacity must be >= 1 and refillPerSecond >= 0");
    }
    this.settings = settings;
    this.buckets.clear();
  }

  take(credential: string, nominalLimit: number): RateDecision {
    if (!this.settings) return { allowed: true, limit: nominalLimit, remaining: nominalLimit - 1 };
    const { capacity, refillPerSecond } = this.settings;
    const now = Date.now();
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
}
