// Service accounts: the OAuth 2.0 client-credentials endpoint (`POST /api/oauth/token`, Basic client auth,
// form body) and the Bearer tokens it mints. Token expiry follows the emulator clock, so tests can advance the
// clock past `expires_in` and watch the client refresh.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { EmulatorClock } from "../clock";
import { mediaTypeOf, plainJsonResponse, type ApiResponse } from "../http/io";

export interface TokenEndpointResult {
  response: ApiResponse;
  /** True when the client id and secret were right (the request counts as authenticated). */
  authenticated: boolean;
}

export class ServiceAccounts {
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly clock: EmulatorClock,
    private readonly ttlSeconds: number,
  ) {}

  token(method: string, headers: IncomingHttpHeaders, body: Buffer): TokenEndpointResult {
    if (method !== "POST") return reject(405, "invalid_request", "Use POST.", false);
    if (!this.clientAuthenticated(headers.authorization)) {
      const response = reject(401, "invalid_client", "Invalid client credentials.", false);
      response.response.headers["WWW-Authenticate"] = 'Basic realm="oauth"';
      return response;
    }
    if (mediaTypeOf(headers["content-type"]) !== "application/x-www-form-urlencoded") {
      return reject(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.", true);
    }
    const grantType = new URLSearchParams(body.toString("utf8")).get("grant_type");
    if (grantType !== "client_credentials") {
      return reject(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.", true);
    }
    const accessToken = this.mint();
    return {
      response: plainJsonResponse(200, {
        access_token: accessToken,
        expires_in: this.ttlSeconds,
        token_type: "Bearer",
      }),
      authenticated: true,
    };
  }

  /** `POST /api/oauth/revoke` with form `token=...`: always 200, as RFC 7009 asks. */
  revoke(method: string, headers: IncomingHttpHeaders, body: Buffer): TokenEndpointResult {
    if (method !== "POST") return reject(405, "invalid_request", "Use POST.", false);
    if (!this.clientAuthenticated(headers.authorization)) {
      return reject(401, "invalid_client", "Invalid client credentials.", false);
    }
    const token = new URLSearchParams(body.toString("utf8")).get("token");
    if (token) this.tokens.delete(token);
    return { response: { status: 200, headers: {}, body: "" }, authenticated: true };
  }

  /** The client id behind a live Bearer token, or undefined for unknown and expired tokens. */
  verifyBearer(token: string): string | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (this.clock.now().getTime() >= entry.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    return entry.clientId;
  }

  private clientAuthenticated(authorization: string | undefined): boolean {
    const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon === -1) return false;
    return (
      safeEquals(decodeFormComponent(decoded.slice(0, colon)), this.clientId) &&
      safeEquals(decodeFormComponent(decoded.slice(colon + 1)), this.clientSecret)
    );
  }

  /** A JWT-shaped opaque token (Atlas's are JWTs); the emulator only ever looks it up in its table. */
  private mint(): string {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const payload = base64url(
      JSON.stringify({
        iss: "atlas-emulator",
        sub: this.clientId,
        iat: issuedAt,
        exp: issuedAt + this.ttlSeconds,
        jti: randomBytes(12).toString("hex"),
      }),
    );
    const signature = createHmac("sha256", this.signingKey).update(`${header}.${payload}`).digest("base64url");
    const token = `${header}.${payload}.${signature}`;
    this.tokens.set(token, { clientId: this.clientId, expiresAt: (issuedAt + this.ttlSeconds) * 1000 });
    return token;
  }
}

function reject(status: number, error: string, description: string, authenticated: boolean): TokenEndpointResult {
  return { response: plainJsonResponse(status, { error, error_description: description }), authenticated };
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function decodeFormComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

function safeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
