// Each resource says each of its properties once, in a table: its type, whether it is an argument, whether it is
// secret, where its value comes from, and what it means. The stored state, the dynamic resource's outputs, the
// provider plugin's outputs and its schema are all derived from that table (see the resource files).
import type { Output } from "@pulumi/pulumi";

/** A property's type, as the provider plugin's schema names it. */
export type PropertyType = "string" | "integer" | { arrayOf: string };

export interface PropertySpec {
  description: string;
  type: PropertyType;
  /** An argument of the resource; absent for an output only. Every argument is an output too. */
  input?: "required" | "optional";
  /** A change of this argument replaces the resource (the diff and the schema's willReplaceOnChanges say so). */
  replaceOnChange?: true;
  /** Always a secret output, whatever the program passed. */
  secret?: true;
  /**
   * Where the value comes from, when not from the state:
   * - "certificate": derived from the stored certificate, by the resource class (dynamic) or the plugin's answer;
   * - "program": derived in the TypeScript program only (the plugin's schema leaves it out).
   */
  derived?: "certificate" | "program";
  /** An output that may be absent (an unset optional argument, or nothing to report). */
  optional?: true;
}

export type PropertyTable<Name extends string = string> = Readonly<Record<Name, PropertySpec>>;

/** Names in the table whose spec matches `Filter`, in the table's order. */
function namesWhere(table: PropertyTable, filter: (spec: PropertySpec) => boolean): string[] {
  return Object.entries(table)
    .filter(([, spec]) => filter(spec))
    .map(([name]) => name);
}

/** The outputs the state holds. */
export const storedNames = (table: PropertyTable): string[] => namesWhere(table, (s) => s.derived === undefined);

/** The arguments. */
export const inputNames = (table: PropertyTable): string[] => namesWhere(table, (s) => s.input !== undefined);

/** The arguments whose change replaces the resource. */
export const replacingNames = (table: PropertyTable): string[] =>
  namesWhere(table, (s) => s.input !== undefined && s.replaceOnChange === true);

/** The stored outputs that are not arguments: a dynamic resource declares them as `undefined` inputs. */
export const outputOnlyNames = (table: PropertyTable): string[] =>
  namesWhere(table, (s) => s.input === undefined && s.derived === undefined);

/** The outputs that are always secret and come from the state or the plugin (the program marks the others). */
export const secretNames = (table: PropertyTable): string[] =>
  namesWhere(table, (s) => s.secret === true && s.derived !== "program");

/** The properties the provider plugin returns and its schema lists: all but those derived in the program. */
export const pluginNames = (table: PropertyTable): string[] => namesWhere(table, (s) => s.derived !== "program");

/** Exactly the keys of `table` that `names` selects, in the table's order, without undefined values. */
export function pick(values: object, names: readonly string[]): Record<string, unknown> {
  const source = values as Record<string, unknown>;
  return Object.fromEntries(names.filter((n) => source[n] !== undefined).map((n) => [n, source[n]]));
}

/**
 * The `pulumi.Output` properties a resource class declares, other than `urn` and `id`: checked against its table at
 * compile time (`satisfies` in each resource file), so that no output is declared without a table entry, or the
 * other way round.
 */
export type DeclaredOutputs<Resource> = Exclude<
  { [K in keyof Resource]: Resource[K] extends Output<unknown> ? K : never }[keyof Resource],
  "urn" | "id"
>;

/** The names of a table's arguments, as a type: checked against the resource's Args at compile time. */
export type InputNames<Table> = {
  [K in keyof Table]: Table[K] extends { input: "required" | "optional" } ? K : never;
}[keyof Table];

/** `true` when A and B are the same set of names; a compile error names the difference otherwise. */
export type SameNames<A extends PropertyKey, B extends PropertyKey> = [Exclude<A, B>, Exclude<B, A>] extends [
  never,
  never,
]
  ? true
  : { missingFromTable: Exclude<A, B>; missingFromClass: Exclude<B, A> };

/** A provider's diff, with the names of the properties that changed, for the plugin's detailed diff. */
export interface ResourceDiff {
  changes: boolean;
  /** Changed properties that force a replacement. */
  replaces: string[];
  /** Every changed property, `replaces` included. */
  diffs: string[];
  deleteBeforeReplace: boolean;
}
