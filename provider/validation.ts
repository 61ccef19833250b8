// Input checks shared by both resources. Each returns failures that name their field; none talks to Atlas.
import type * as pulumi from "@pulumi/pulumi";

/** What the engine sends for a value not known until apply (`pulumi preview` of computed inputs). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

export type CheckFailure = pulumi.dynamic.CheckFailure;

const projectIdPattern = /^[0-9a-f]{24}$/;

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "number") return String(value);
  return `a value of type ${Array.isArray(value) ? "array" : typeof value}`;
}

export function checkProjectId(value: unknown, failures: CheckFailure[], property = "projectId"): void {
  if (isUnknown(value)) return;
  if (typeof value !== "string" || !projectIdPattern.test(value)) {
    failures.push({
      property,
      reason: `must be an Atlas project id: 24 lowercase hexadecimal characters (got ${describeValue(value)})`,
    });
  }
}

export function checkInteger(
  property: string,
  value: unknown,
  range: { min: number; max?: number },
  failures: CheckFailure[],
): void {
  if (isUnknown(value)) return;
  const bounds = range.max === undefined ? `${range.min} or more` : `from ${range.min} to ${range.max}`;
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < range.min ||
    (range.max !== undefined && value > range.max)
  ) {
    failures.push({ property, reason: `must be a whole number ${bounds} (got ${describeValue(value)})` });
  }
}

/** Copies the named keys that are present; `undefined` cannot cross the provider protocol. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
