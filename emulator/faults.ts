// Fault injection: rules match a request by method and a substring of its decoded path, and fire either for the
// next N matches (`times`) or on every Nth match (`everyNth`). Faults only ever hit requests that passed
// authentication, so a digest client's unauthenticated first round-trip never consumes one.
import type { FaultRule } from "./types";

interface ActiveRule {
  rule: FaultRule;
  matched: number;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rules: FaultRule[]): void {
    for (const rule of rules) {
      validateRule(rule);
      this.rules.push({ rule, matched: 0, remaining: rule.everyNth ? Infinity : (rule.times ?? 1) });
    }
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule that fires for this request, if any; consumes one application of it. */
  take(method: string, decodedPath: string): FaultRule | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.pathIncludes && !decodedPath.includes(rule.pathIncludes)) continue;
      active.matched++;
      if (rule.everyNth) {
        if (active.matched % rule.everyNth === 0) return rule;
        continue;
      }
      active.remaining--;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return rule;
    }
    return undefined;
  }
}

function validateRule(rule: FaultRule): void {
  const positiveInt = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 1);
  if (!positiveInt(rule.times) || !positiveInt(rule.everyNth))
    throw new Error("times and everyNth must be integers >= 1");
  if (rule.times !== undefined && rule.everyNth !== undefined) throw new Error("use either times or everyNth");
  if (rule.drop !== undefined && rule.drop !== "before" && rule.drop !== "after")
    throw new Error('drop is "before" or "after"');
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
    throw new Error("status must be an HTTP status code");
  }
  if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) throw new Error("delayMs must be >= 0");
  if (rule.holdMs !== undefined && !(rule.holdMs >= 0)) throw new Error("holdMs must be >= 0");
}

/** A 200 body that is not valid JSON: the start of the real body, cut off mid-value. */
export function truncatedJson(body: string): string {
  const text =
    body.trim().startsWith("{") || body.trim().startsWith("[") ? body : '{"detail":"emulator fault: truncated body"}';
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
