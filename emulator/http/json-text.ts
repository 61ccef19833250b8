// JSON writer that emits bigint values as bare JSON integers. Certificate serials (`_id`) exceed 2^53, so they
// must never pass through a JS number; JSON.stringify cannot write a bigint at all.
export function toJsonText(value: unknown, indent = 0): string {
  return write(value, indent, "");
}

function write(value: unknown, indent: number, pad: string): string {
  if (typeof value === "bigint") return value.toString(10);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = indent > 0 ? pad + " ".repeat(indent) : "";
  const open = indent > 0 ? "\n" + inner : "";
  const sep = indent > 0 ? ",\n" + inner : ",";
  const close = indent > 0 ? "\n" + pad : "";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return "[" + open + value.map((item) => write(item, indent, inner)).join(sep) + close + "]";
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const colon = indent > 0 ? ": " : ":";
  return (
    "{" + open + entries.map(([k, v]) => JSON.stringify(k) + colon + write(v, indent, inner)).join(sep) + close + "}"
  );
}
