// Authentication as one pluggable step: an AtlasAuth performs one authenticated HTTP exchange and nothing else.
// Retries, timeouts and error mapping stay in transport.ts. Credentials live in private fields only; they never
// reach an error message, a log line or an enumerable property.
import { abortable, RequestNotSent } from "./abort";
import { AtlasApiError, describeErrorBody, describeNetworkError, errorName, hintFor } from "./errors";
import { loadDigestFetch } from "./digest-fetch-loader";
import { isJsonObject, parseJson } from "./json";

type Fetch = typeof fetch;

export interface AtlasAuth {
  readonly kind: "digest" | "serviceAccount";
  /**
   * Performs one authenticated HTTP exchange. `baseFetch` is the client's injected fetch, used when the auth step
   * was created without one. Failures of the auth step's own requests (e.g. the token endpoint) reject with an
   * AtlasApiError; the request itself was then not sent.
   */
  fetch(url: string, init: RequestInit, baseFetch?: Fetch): Promise<Response>;
}

function requireCredential(name: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`[pulumi-atlas-x509] ${name} is required`);
  }
}

function plainHeaders(init: RequestInit): Record<string, string> {
  return Object.fromEntries(new Headers(init.headers).entries());
}

// ---- HTTP Digest (programmatic API keys) --------------------------------------------------------------------

/** The part of digest-fetch's DigestClient this module relies on. */
interface DigestClient {
  hasAuth: boolean;
  digest: { nc: number };
  getClient(): Promise<Fetch>;
  fetch(url: string, options: RequestInit): Promise<Response>;
}

/**
 * HTTP Digest with an Atlas programmatic API key (public key = username, private key = password), via digest-fetch.
 * digest-fetch is ESM-only and is imported on first use. It answers the server's challenge once and then reuses the
 * nonce with an incrementing nonce count, so only the first request of this auth object pays a 401 round trip.
 */
export function digestAuth(publicKey: string, privateKey: string, fetchImpl?: Fetch): AtlasAuth {
  requireCredential("publicKey", publicKey);
  requireCredential("privateKey", privateKey);
  return new DigestAuth(publicKey, privateKey, fetchImpl);
}

class DigestAuth implements AtlasAuth {
  readonly kind = "digest";
  readonly #publicKey: string;
  readonly #privateKey: string;
  readonly #fetchImpl: Fetch | undefined;
  #base: Fetch = (...args) => globalThis.fetch(...args);
  #client: Promise<DigestClient> | undefined;
  /** The exchange that is answering the first challenge; others wait for it instead of paying their own. */
  #handshake: Promise<unknown> | undefined;

  constructor(publicKey: string, privateKey: string, fetchImpl: Fetch | undefined) {
    this.#publicKey = publicKey;
    this.#privateKey = privateKey;
    this.#fetchImpl = fetchImpl;
  }

  async fetch(url: string, init: RequestInit, baseFetch?: Fetch): Promise<Response> {
    const base = this.#fetchImpl ?? baseFetch;
    if (base) this.#base = base;
    const client = await this.#loadClient();
    // Waiting for another request's challenge ends with this request's own signal (its timeout, cancel, deadline).
    while (!client.hasAuth && this.#handshake) {
      await abortable(
        this.#handshake.catch(() => undefined),
        init.signal,
      ).catch((reason: unknown) => {
        throw new RequestNotSent(reason);
      });
    }
    // digest-fetch writes the Authorization header into options.headers: give it a private copy per exchange.
    const exchange = client.fetch(url, { ...init, headers: plainHeaders(init) });
    if (client.hasAuth) return exchange;
    this.#handshake = exchange;
    try {
      return await exchange;
    } finally {
      if (this.#handshake === exchange) this.#handshake = undefined;
    }
  }

  #loadClient(): Promise<DigestClient> {
    this.#client ??= loadDigestFetch().then(
      ({ default: DigestFetch }) => {
        const client: DigestClient = new DigestFetch(this.#publicKey, this.#privateKey, { algorithm: "MD5" });
        client.getClient = () => Promise.resolve(this.#send);
        return client;
      },
      (error: unknown) => {
        this.#client = undefined;
        throw new Error(`[pulumi-atlas-x509] cannot load digest-fetch: ${describeNetworkError(error)}`);
      },
    );
    return this.#client;
  }

  /** The fetch digest-fetch sends with. */
  readonly #send: Fetch = async (input, options) => {
    const response = await this.#base(input, options);
    if (response.status !== 401) return response;
    // digest-fetch drops a challenge response without reading it; read it here so its connection is released.
    const body = await response.arrayBuffer();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

// ---- Service accounts (OAuth 2.0 client credentials) -------------------------------------------------------

export interface ServiceAccountAuthOptions {
  fetch?: Fetch;
  /** Clock for token expiry, in epoch milliseconds (tests). */
  now?: () => number;
  /** Timeout of one token request. Default 30000. */
  timeoutMs?: number;
}

const TOKEN_PATH = "/api/oauth/token";
/** Renew a token this long before Atlas says it expires. */
const RENEW_MARGIN_MS = 60_000;

interface Token {
  value: string;
  renewAt: number;
}

/**
 * An Atlas service account: `POST {baseUrl}/api/oauth/token` with HTTP Basic client credentials, then
 * `Authorization: Bearer <token>`. The token is cached until 60 s before it expires; concurrent callers share one
 * token request. A cached token the API refuses (401) is dropped and the request is sent once more with a new one.
 */
export function serviceAccountAuth(
  clientId: string,
  clientSecret: string,
  baseUrl: string,
  opts: ServiceAccountAuthOptions = {},
): AtlasAuth {
  requireCredential("clientId", clientId);
  requireCredential("clientSecret", clientSecret);
  return new ServiceAccountAuth(clientId, clientSecret, baseUrl, opts);
}

class ServiceAccountAuth implements AtlasAuth {
  readonly kind = "serviceAccount";
  readonly #basic: string;
  readonly #tokenUrl: string;
  readonly #fetchImpl: Fetch | undefined;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #token: Token | undefined;
  #pending: Promise<Token> | undefined;

  constructor(clientId: string, clientSecret: string, baseUrl: string, opts: ServiceAccountAuthOptions) {
    this.#basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64")}`;
    this.#tokenUrl = `${baseUrl.replace(/\/+$/, "")}${TOKEN_PATH}`;
    this.#fetchImpl = opts.fetch;
    this.#now = opts.now ?? Date.now;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async fetch(url: string, init: RequestInit, baseFetch?: Fetch): Promise<Response> {
    const base = this.#fetchImpl ?? baseFetch ?? globalThis.fetch;
    const headers = plainHeaders(init);
    const cached = this.#token !== undefined && this.#now() < this.#token.renewAt ? this.#token : undefined;
    const token = cached ?? (await this.#tokenUnlessStopped(base, headers["user-agent"], init.signal));
    const response = await base(url, { ...init, headers: { ...headers, authorization: `Bearer ${token.value}` } });
    if (response.status !== 401 || cached === undefined) return response;
    // Atlas refused a token we cached (revoked, or its validity differs from expires_in): one more try, new token.
    await response.body?.cancel();
    if (this.#token === cached) this.#token = undefined;
    const renewed = await this.#tokenUnlessStopped(base, headers["user-agent"], init.signal);
    return base(url, { ...init, headers: { ...headers, authorization: `Bearer ${renewed.value}` } });
  }

  /**
   * A new token, or RequestNotSent as soon as the request is stopped (cancel, deadline) while it waits for one. The
   * token request itself goes on: other requests may share it. The attempt's own timeout does not end the wait: the
   * token request has one of the same length, whose error says it was the token that did not come.
   */
  async #tokenUnlessStopped(base: Fetch, userAgent: string | undefined, signal: RequestInit["signal"]): Promise<Token> {
    const pending = this.#renew(base, userAgent);
    try {
      return await abortable(pending, signal);
    } catch (error) {
      if (!signal?.aborted || error !== signal.reason) throw error;
      if (errorName(error) === "TimeoutError") return pending;
      throw new RequestNotSent(error);
    }
  }

  #renew(base: Fetch, userAgent: string | undefined): Promise<Token> {
    this.#pending ??= this.#requestToken(base, userAgent).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #requestToken(base: Fetch, userAgent: string | undefined): Promise<Token> {
    const failure = (
      init: { status?: number; errorCode?: string; detail?: string; cause?: unknown },
      timeout = false,
    ) =>
      new AtlasApiError({
        kind: init.status !== undefined ? "http" : timeout ? "timeout" : "network",
        method: "POST",
        path: TOKEN_PATH,
        attempts: 1,
        hint: hintFor(init.status, init.errorCode, "serviceAccount"),
        ...init,
      });
    const requestedAt = this.#now();
    let response: Response;
    let text: string;
    try {
      response = await base(this.#tokenUrl, {
        method: "POST",
        headers: {
          authorization: this.#basic,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          ...(userAgent !== undefined && { "user-agent": userAgent }),
        },
        body: "grant_type=client_credentials",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timeout = errorName(error) === "TimeoutError";
      const detail = timeout ? `no token within ${this.#timeoutMs} ms` : describeNetworkError(error);
      throw failure({ detail, cause: error }, timeout);
    }
    if (!response.ok) throw failure({ status: response.status, ...describeErrorBody(text) });
    let body: unknown;
    try {
      body = parseJson(text);
    } catch {
      body = undefined;
    }
    const accessToken = isJsonObject(body) ? body.access_token : undefined;
    if (typeof accessToken !== "string" || accessToken === "") {
      throw failure({ status: response.status, detail: "the token response has no access_token" });
    }
    const expiresIn = isJsonObject(body) && typeof body.expires_in === "number" ? body.expires_in : 3600;
    const lifetimeMs = expiresIn * 1000;
    // Renew 60 s early; a token that lives less than two margins is renewed after half its life.
    const usableMs = lifetimeMs > 2 * RENEW_MARGIN_MS ? lifetimeMs - RENEW_MARGIN_MS : lifetimeMs / 2;
    this.#token = { value: accessToken, renewAt: requestedAt + usableMs };
    return this.#token;
  }
}
