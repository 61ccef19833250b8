// Atlas-shaped responses: the success Content-Type of each API version and Atlas's error bodies. Handlers return
// these values instead of writing to the socket (see http/io.ts).
import { JSON_CONTENT_TYPE, type ApiResponse } from "../http/io";
import { toJsonText } from "../http/json-text";
import type { ApiError } from "./errors";
import { ATLAS_V2_MEDIA_TYPE, type ApiVersion } from "./versions";

const V2_CONTENT_TYPE = `${ATLAS_V2_MEDIA_TYPE};charset=utf-8`;

/**
 * v2 answers with the versioned vendor type (as recorded), v1.0 with plain JSON (what MongoDB's v1.0 Go client,
 * go-client-mongodb-atlas, sends and reads).
 */
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
