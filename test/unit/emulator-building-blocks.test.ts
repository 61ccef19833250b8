// Small pure pieces of the emulator whose edge cases are easier to pin down directly.
import { addCalendarMonths, atlasTimestamp } from "../../emulator/clock";
import { escapeRfc2253, randomSerial } from "../../emulator/certificate-authority";
import { parseDigestFields } from "../../emulator/atlas-api/digest-auth";
import { toJsonText } from "../../emulator/http/json-text";
import { RateLimiter } from "../../emulator/rate-limit";

describe("emulator building blocks", () => {
  it.each([
    ["2031-01-31T12:00:00Z", 1, "2031-02-28T12:00:00.000Z"],
    ["2032-01-31T12:00:00Z", 1, "2032-02-29T12:00:00.000Z"],
    ["2031-08-31T00:00:00Z", 3, "2031-11-30T00:00:00.000Z"],
    ["2031-11-15T05:06:07Z", 24, "2033-11-15T05:06:07.000Z"],
  ])("adds calendar months like Java's plusMonths: %s + %i", (start, months, expected) => {
    expect(addCalendarMonths(new Date(start), months).toISOString()).toBe(expected);
  });

  it("refills a credential's token bucket with the time that passed, and says when to retry", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    limiter.configure({ capacity: 2, refillPerSecond: 4 });
    expect(limiter.take("key")).toEqual({ allowed: true, limit: 2, remaining: 1 });
    expect(limiter.take("key")).toEqual({ allowed: true, limit: 2, remaining: 0 });
    expect(limiter.take("key")).toEqual({ allowed: false, limit: 2, remaining: 0, retryAfterSeconds: 1 });
    expect(limiter.take("other key")).toMatchObject({ allowed: true });
    now += 249; // not quite one token (4 a second)
    expect(limiter.take("key")).toMatchObject({ allowed: false });
    now += 1;
    expect(limiter.take("key")).toEqual({ allowed: true, limit: 2, remaining: 0 });
    now += 60_000; // never more than the capacity
    expect(limiter.take("key")).toEqual({ allowed: true, limit: 2, remaining: 1 });
  });

  it("writes Atlas timestamps without milliseconds", () => {
    expect(atlasTimestamp(new Date("2026-08-10T02:06:35.987Z"))).toBe("2026-08-10T02:06:35Z");
  });

  it("writes bigint values as bare JSON integers, exactly", () => {
    const serial = 1976722359483124370n;
    expect(toJsonText({ _id: serial, s: "x", skip: undefined, list: [1, null] })).toBe(
      '{"_id":1976722359483124370,"s":"x","list":[1,null]}',
    );
    expect(toJsonText({ a: [1n], b: {} }, 2)).toBe('{\n  "a": [\n    1\n  ],\n  "b": {}\n}');
  });

  it("draws serials in [2^60, 2^63)", () => {
    for (let i = 0; i < 200; i++) {
      const serial = randomSerial();
      expect(serial >= 2n ** 60n && serial < 2n ** 63n).toBe(true);
    }
  });

  it("escapes RFC 2253 special characters in a CN value", () => {
    expect(escapeRfc2253("a,b+c")).toBe("a\\,b\\+c");
    expect(escapeRfc2253(" lead")).toBe("\\ lead");
    expect(escapeRfc2253("first.last@example.com")).toBe("first.last@example.com");
  });

  it("parses digest headers with quoted commas and unquoted values", () => {
    expect(
      parseDigestFields('Digest username="a,b", realm="MMS Public API", nc=00000001, qop=auth, uri="/x?y=1,2"'),
    ).toEqual({
      username: "a,b",
      realm: "MMS Public API",
      nc: "00000001",
      qop: "auth",
      uri: "/x?y=1,2",
    });
    expect(parseDigestFields("Basic abc")).toBeUndefined();
  });
});
