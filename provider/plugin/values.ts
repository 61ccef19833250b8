// Property values as the engine's protocol carries them. The plugin answers Configure with acceptSecrets=false, so
// the engine sends plain values to Check, Diff, Create, Read, Update and Delete; it keeps secrets that come back,
// which is how the plugin marks key material and credentials secret whatever the program passed.
import { isUnknown } from "../validation";

/** The marker of a secret value: `{ [signatureKey]: secretSignature, value }`. */
const signatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

export type PropertyValues = Record<string, unknown>;

export function secret(value: unknown): unknown {
  return { [signatureKey]: secretSignature, value };
}

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as PropertyValues)[signatureKey] === secretSignature;
}

/**
 * The values without secret markers. CheckConfig is called before Configure has said that the plugin takes no
 * secrets, so its values may still carry them.
 */
export function plain(value: unknown): unknown {
  if (isSecret(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A copy whose named keys are secret, where present. */
export function withSecrets(values: PropertyValues, names: readonly string[]): PropertyValues {
  const copy = { ...values };
  for (const name of names) if (copy[name] !== undefined && copy[name] !== null) copy[name] = secret(copy[name]);
  return copy;
}

export function hasUnknowns(values: PropertyValues): boolean {
  return Object.values(values).some(isUnknown);
}

/** The resource's name, the last part of its URN (`urn:pulumi:stack::project::type::name`). */
export function nameFromUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
