// Response values, media types and the raw HTTP reading/writing. Handlers return an `ApiResponse` value instead of
// writing to the socket, so the pipeline can still apply faults (broken JSON, dropped connection) afterwards.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../atlas-api/errors";
import { toJsonText } from "./json-text";

export type ApiVersion = "v2" | "v1.0";

export const ATLAS_V2_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";
const V2_CONTENT_TYPE = `${ATLAS_V2_MEDIA_TYPE};charset=utf-8`;
const JSON_CONTENT_TYPE = "application/json";

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Empty string for bodiless responses (204). */
  body: string;
}

/** v2 answers with the versioned vendor type, v1.0 with plain JSON (SNAP, GOV1). */
export function successContentType(api: ApiVersion): string {
  return api === "v2" ? V2_CONTENT_TYPE : JSON_CONTENT_TYPE;
}

export function jsonResponse(api: ApiVersion, status: number, value: unknown, indent = 0): ApiResponse {
  return { status, headers: { "Content-Type": successContentType(api) }, body: toJsonText(value, indent) };
}

/** Atlas's quirk for POST certs: raw PEM text under a JSON Content-Type. */
export function rawTextResponse(api: ApiVersion, status: number, text: string): ApiResponse {
  return { status, headers: { "Content-Type": successContentType(api) }, body: text };
}

export function emptyResponse(api: ApiVersion, status: number): ApiResponse {
  return { status, headers: { "Content-Type": successContentType(api) }, body: "" };
}

/**
 * Errors are plain `application/json` on both versions. As recorded from Atlas: a compact body with its keys in
 * A-Z order and an `X-Error-Code` header naming the errorCode; except a 401, whose body Atlas's authentication
 * layer pretty-prints Jackson-style (`"k" : v`, keys error, reason, detail, errorCode) and which has no
 * `X-Error-Code`.
 */
export function errorResponse(error: ApiError): ApiResponse {
  if (error.status === 401) {
    return {
      status: 401,
      headers: { "Content-Type": JSON_CONTENT_TYPE, ...error.headers },
      body: jacksonPretty(error.unauthorizedBody()),
    };
  }
  return {
    status: error.status,
    headers: { "Content-Type": JSON_CONTENT_TYPE, "X-Error-Code": error.errorCode, ...error.headers },
    body: toJsonText(error.body()),
  };
}

/** Jackson's default pretty printer for a flat object: two-space indent, `"key" : value`, no final newline. */
function jacksonPretty(value: Record<string, string | number>): string {
  const lines = Object.entries(value).map(([key, v]) => `  ${JSON.stringify(key)} : ${JSON.stringify(v)}`);
  return `{\n${lines.join(",\n")}\n}`;
}

export function plainJsonResponse(status: number, value: unknown): ApiResponse {
  return { status, headers: { "Content-Type": JSON_CONTENT_TYPE }, body: toJsonText(value) };
}

/** "application/JSON; charset=utf-8" -> "application/json". */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function send(res: ServerResponse, response: ApiResponse): void {
  // A 204 carries no Content-Length (as recorded, and RFC 9110 §8.6); everything else an exact one.
  const bodyless = response.status === 204 || response.status === 304;
  const body = bodyless ? "" : response.body;
  res.writeHead(
    response.status,
    bodyless ? response.headers : { ...response.headers, "Content-Length": String(Buffer.byteLength(body)) },
  );
  res.end(body);
}

/** Splits "/a/b?x=1" into the still-encoded path and its query (last value wins for repeated keys). */
export function splitUrl(rawUrl: string): { path: string; query: Record<string, string>; search: URLSearchParams } {
  const q = rawUrl.indexOf("?");
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const search = new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1));
  const query: Record<string, string> = {};
  for (const [key, value] of search) query[key] = value;
  return { path, query, search };
}

export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
