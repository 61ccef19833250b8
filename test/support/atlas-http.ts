// Test-side HTTP helpers: raw node:http requests and a digest client written by hand with node:crypto (so the
// emulator's digest implementation is checked against an independent one), plus spec validation of responses.
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { validateResponse } from "./openapi";

export const V2_ACCEPT = "application/vnd.atlas.2023-01-01+json";
export type Api = "v2" | "v1.0";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  request: { method: string; path: string };
}

export interface RawRequestOptions {
  headers?: Record<string, string>;
  body?: string;
}

/** One HTTP exchange on a fresh connection (no agent), so socket drops do not leak into later requests. */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
            request: { method, path },
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.end(options.body);
  });
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/** Parses `Digest realm="x", nonce="y", algorithm=MD5, ...` into lower-cased keys. */
export function parseChallenge(header: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of (header ?? "").replace(/^Digest\s+/i, "").matchAll(/([a-zA-Z]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    fields[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? "";
  }
  return fields;
}

export interface DigestParams {
  username: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  nc: number;
  cnonce?: string;
  realm?: string;
}

/** An RFC 7616 MD5/qop=auth Authorization header, computed independently of the emulator's code. */
export function digestAuthorization(p: DigestParams): string {
  const realm = p.realm ?? "MMS Public API";
  const cnonce = p.cnonce ?? randomBytes(8).toString("hex");
  const nc = p.nc.toString(16).padStart(8, "0");
  const ha1 = md5(`${p.username}:${realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  const response = md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${p.username}", realm="${realm}", nonce="${p.nonce}", uri="${p.uri}", ` +
    `algorithm=MD5, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`
  );
}

/** A digest client that caches the nonce and increments nc, like digest-fetch does. */
export class HandDigestClient {
  private nonce?: string;
  private nc = 0;

  constructor(
    readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  async request(method: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
    if (this.nonce) {
      const first = await rawRequest(this.baseUrl, method, path, this.withAuth(method, path, options));
      if (first.status !== 401) return first;
    }
    const challenge = await rawRequest(this.baseUrl, method, path, options);
    if (challenge.status !== 401) return challenge;
    this.nonce = parseChallenge(challenge.headers["www-authenticate"] as string).nonce;
    this.nc = 0;
    return rawRequest(this.baseUrl, method, path, this.withAuth(method, path, options));
  }

  private withAuth(method: string, path: string, options: RawRequestOptions): RawRequestOptions {
    const authorization = digestAuthorization({
      username: this.username,
      password: this.password,
      method,
      uri: path,
      nonce: this.nonce!,
      nc: ++this.nc,
    });
    return { ...options, headers: { ...options.headers, Authorization: authorization } };
  }
}

export interface CallOptions {
  api?: Api;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Atlas calls with the right Accept/Content-Type for each API version; `body` objects are JSON-encoded. */
export class AtlasCaller {
  readonly digest: HandDigestClient;

  constructor(emulator: { baseUrl: string; credentials: { publicKey: string; privateKey: string } }) {
    this.digest = new HandDigestClient(
      emulator.baseUrl,
      emulator.credentials.publicKey,
      emulator.credentials.privateKey,
    );
  }

  call(method: string, pathUnderPrefix: string, options: CallOptions = {}): Promise<RawResponse> {
    const api = options.api ?? "v2";
    const headers: Record<string, string> = { Accept: api === "v2" ? V2_ACCEPT : "application/json" };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["Content-Type"] = api === "v2" ? V2_ACCEPT : "application/json";
    }
    return this.digest.request(method, `/api/atlas/${api}${pathUnderPrefix}`, {
      headers: { ...headers, ...options.headers },
      body,
    });
  }
}

/** Spec violations of a response (v2 spec for /api/atlas/v2, v1 spec for /api/atlas/v1.0). */
export function specErrors(response: RawResponse): string[] {
  const spec = response.request.path.startsWith("/api/atlas/v1.0/") ? "v1" : "v2";
  return validateResponse(
    spec,
    response.request.method,
    response.request.path,
    response.status,
    response.text,
    response.headers,
  );
}

export function json(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.text) as Record<string, unknown>;
}

/** Percent-encodes one path segment the way the provider is expected to. */
export const seg = encodeURIComponent;
