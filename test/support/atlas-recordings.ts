// Reads the real Atlas responses recorded by MongoDB's Atlas CLI e2e tests (../shared/atlas-recordings/*.http beside
// this repository, as in CI; its README says which request each one answers). A file is Go's DumpResponse: a status
// line ("HTTP/2.0 201 Created"), "Name: value" header lines (Go-canonical names in A-Z order, so wire case and order
// are lost), a blank line, then the body exactly as Content-Length counts it. CI tarballs carry CRLF header lines.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../scripts/lib/repo-root";

export const RECORDINGS_DIR =
  process.env.ATLAS_RECORDINGS_DIR ?? path.join(repoRoot, "..", "shared", "atlas-recordings");

export interface Recording {
  file: string;
  status: number;
  reason: string;
  /** Header lines in recorded order, names as recorded. */
  headerLines: Array<[name: string, value: string]>;
  /** The same headers by lower-cased name (no name repeats in the recordings; a repeat is an error). */
  headers: Record<string, string>;
  body: string;
}

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

export function parseRecording(text: string, file = "<text>"): Recording {
  const blank = /\r?\n\r?\n/.exec(text);
  if (!blank) throw new Error(`${file}: no blank line after the headers`);
  const [statusLine, ...lines] = text.slice(0, blank.index).split(/\r?\n/);
  const status = STATUS_LINE.exec(statusLine ?? "");
  if (!status) throw new Error(`${file}: not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headerLines: Recording["headerLines"] = [];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const header = HEADER_LINE.exec(line);
    if (!header) throw new Error(`${file}: not a header line: ${JSON.stringify(line)}`);
    const name = header[1]!.toLowerCase();
    if (Object.hasOwn(headers, name)) throw new Error(`${file}: header ${header[1]} repeats`);
    headerLines.push([header[1]!, header[2]!]);
    headers[name] = header[2]!;
  }
  const body = text.slice(blank.index + blank[0].length);
  const length = headers["content-length"];
  if (length !== undefined && Buffer.byteLength(body) !== Number(length)) {
    throw new Error(`${file}: the body has ${Buffer.byteLength(body)} bytes, Content-Length says ${length}`);
  }
  // Without a Content-Length (the 204) the dump still ends with the blank line: the body is empty.
  if (length === undefined && body.trim() !== "") throw new Error(`${file}: a body without Content-Length`);
  return { file, status: Number(status[1]), reason: status[2] ?? "", headerLines, headers, body: length ? body : "" };
}

/** One recording by its file name, with or without ".http". */
export function loadRecording(name: string): Recording {
  const file = name.endsWith(".http") ? name : `${name}.http`;
  return parseRecording(readFileSync(path.join(RECORDINGS_DIR, file), "utf8"), file);
}

export function recordingFiles(): string[] {
  return readdirSync(RECORDINGS_DIR)
    .filter((name) => name.endsWith(".http"))
    .sort();
}

/** The fields of a `WWW-Authenticate: Digest a="x", b=y` challenge, in order, quoting kept apart from the value. */
export function challengeFields(header: string): Array<{ name: string; value: string; quoted: boolean }> {
  const match = /^Digest\s+/.exec(header);
  if (!match) throw new Error(`not a Digest challenge: ${header}`);
  const fields: Array<{ name: string; value: string; quoted: boolean }> = [];
  const rest = header.slice(match[0].length);
  const pattern = /([A-Za-z]+)=(?:"([^"]*)"|([^,\s"]*))(?:, |$)/gy;
  let field: RegExpExecArray | null;
  while ((field = pattern.exec(rest)) !== null) {
    fields.push({ name: field[1]!, value: field[2] ?? field[3]!, quoted: field[2] !== undefined });
    if (pattern.lastIndex >= rest.length) break;
  }
  if (pattern.lastIndex !== rest.length) throw new Error(`unparsable challenge: ${header}`);
  return fields;
}

/**
 * A JSON value's shape: objects keep their keys in order with each value's shape, scalars become their JSON type,
 * arrays the distinct shapes of their elements (or just "array" with `elements` false, for arrays whose length and
 * content vary, such as an error's parameters). Comparing shapes compares structure, key order and types.
 */
export function jsonShape(value: unknown, elements = true): unknown {
  if (Array.isArray(value)) {
    if (!elements) return "array";
    const distinct = new Set(value.map((item) => JSON.stringify(jsonShape(item, elements))));
    return [...distinct].map((text) => JSON.parse(text) as unknown);
  }
  if (value === null) return "null";
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonShape(v, elements)]),
    );
  }
  return typeof value;
}

/** `jsonShape` of a JSON text, as text, so that key order counts when compared. */
export function shapeText(json: string, elements = true): string {
  return JSON.stringify(jsonShape(JSON.parse(json), elements));
}
