// Plain HTTP for both APIs: response values, reading a body, writing a response, splitting and decoding a URL.
// Handlers return an `ApiResponse` value instead of writing to the socket, so the Atlas API's pipeline can still
// apply faults (broken JSON, dropped connection) afterwards. Atlas-shaped responses: atlas-api/responses.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { toJsonText } from "./json-text";

export const JSON_CONTENT_TYPE = "application/json";

/** A response as a value, for either API: the Atlas API's pipeline can still apply faults to it before `send`. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Empty string for bodiless responses (204). */
  body: string;
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
