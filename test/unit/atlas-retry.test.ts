import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
  resolveRetryPolicy,
  retryDelayMs,
} from "../../provider/atlas/retry";

describe("retry policy", () => {
  const policy = resolveRetryPolicy();

  it("defaults to 5 retries, 500 ms base, 30 s ceiling and a 60 s Retry-After cap", () => {
    expect(policy).toEqual({
      maxRetries: 5,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 60_000,
      maxRateLimitWaitMs: 120_000,
    });
    expect(resolveRetryPolicy({ maxRetries: 0, baseDelayMs: 1 })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxRetries: 0,
      baseDelayMs: 1,
    });
  });

  it("rejects negative or non-finite settings", () => {
    expect(() => resolveRetryPolicy({ maxRetries: -1 })).toThrow(/retry.maxRetries/);
    expect(() => resolveRetryPolicy({ baseDelayMs: Number.NaN })).toThrow(/retry.baseDelayMs/);
  });

  it("backs off exponentially with full jitter, up to the ceiling", () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, top))).toEqual([499, 999, 1999, 3999]);
    expect(backoffDelayMs(12, policy, top)).toBe(29_999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(500);
  });

  it("reads Retry-After as delta-seconds or as an HTTP date", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfterMs("1", now)).toBe(1000);
    expect(parseRetryAfterMs(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:07 GMT", now)).toBe(7000);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
  });

  it("ignores a missing or unreadable Retry-After", () => {
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs("soon")).toBeUndefined();
    expect(parseRetryAfterMs("1.5")).toBeUndefined();
    expect(parseRetryAfterMs("-3")).toBeUndefined();
  });

  it("prefers the server's Retry-After, capped, over backoff", () => {
    expect(retryDelayMs(1, policy, 1000, () => 0.9)).toBe(1000);
    expect(retryDelayMs(1, policy, 0, () => 0.9)).toBe(0);
    expect(retryDelayMs(1, policy, 3_600_000, () => 0.9)).toBe(60_000);
    expect(retryDelayMs(2, policy, undefined, () => 0.5)).toBe(500);
  });
});
