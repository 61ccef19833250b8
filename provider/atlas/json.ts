// JSON parsing that keeps integers beyond 2^53 exact. Atlas certificate serials (`_id` of the certs list) are
// int64 values above Number.MAX_SAFE_INTEGER; JSON.parse would round them silently. Before parsing, every integer
// literal outside the safe range is rewritten to a decimal string, so a serial never passes through a JS number.

// One alternative per token that matters: a complete string literal (skipped verbatim, so digits inside strings
// are never touched) or a JSON number. A number is an integer literal only when it has no fraction or exponent.
const TOKEN = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/gs;
const KEY_POSITION = /\s*:/y;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Rewrites unsafe integer literals (|n| > 2^53 - 1) to JSON strings; leaves everything else byte for byte. */
export function quoteUnsafeIntegers(text: string): string {
  return text.replace(
    TOKEN,
    (token: string, fraction: string | undefined, exponent: string | undefined, offset: number) => {
      if (token.startsWith('"') || fraction !== undefined || exponent !== undefined) return token;
      if (token.length < 16) return token; // at most 15 digits: always safe
      const value = BigInt(token);
      if (value <= MAX_SAFE && value >= -MAX_SAFE) return token;
      // A number followed by ":" sits in key position, which is invalid JSON; quoting it would make it valid.
      KEY_POSITION.lastIndex = offset + token.length;
      if (KEY_POSITION.test(text)) return token;
      return `"${token}"`;
    },
  );
}

/** JSON.parse with unsafe integers returned as decimal strings. Throws SyntaxError like JSON.parse. */
export function parseJson(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text)) as unknown;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An integer-valued field as an exact decimal string: unsafe integers already arrive as strings from parseJson,
 * safe ones as numbers. Returns undefined for anything else (fractions, booleans, non-numeric strings).
 */
export function integerString(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value === "string" && /^-?(?:0|[1-9]\d*)$/.test(value)) return value;
  return undefined;
}
