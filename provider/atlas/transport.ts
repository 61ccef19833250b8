// One Atlas API request: URL and versioned headers, the auth step, a timeout per attempt, body handling, and the
// only retry loop of the client. What may be retried depends on the request's `safety`:
//
//   failure                      idempotent   issuesSecret (POST .../certs)
//   429                          retry        retry (Atlas did not process it)
//                                (429s do not count against maxRetries: they are retried while the waits they ask
//                                for add up to at most maxRateLimitWaitMs, and 100 times at most, so parallel
//                                creates ride out a throttle)
//   5xx                          retry        fail: a certificate may exist, its key is lost
//   network error / timeout      retry        fail: a certificate may exist, its key is lost
//   other 4xx                    fail         fail
//   auth step failed (not sent)  retried like an idempotent request: the API request itself never left (also when
//                                it timed out waiting for another request's digest challenge)
//   stopped (cancel, deadline)   fail at once, the attempt in flight aborted: a POST .../certs may have issued a
//                                certificate whose key is lost; stopped during a retry wait or before it was sent,
//                                nothing was processed
import { anySignal, operationSignal, RequestNotSent, stopReason } from "./abort";
import type { AtlasAuth } from "./auth";
import {
  AtlasApiError,
  LOST_KEY_HINT,
  describeErrorBody,
  describeNetworkError,
  errorName,
  hintFor,
  type AtlasErrorKind,
} from "./errors";
import { retryDelayMs, parseRetryAfterMs, type RetryPolicy } from "./retry";

export type AtlasApiVersion = "v2" | "v1.0";

export interface AtlasLogger {
  /** Receives method, path, status, attempt and delay; never headers, bodies or credentials. */
  debug(message: string): void;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";
export type RequestSafety = "idempotent" | "issuesSecret";

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the API prefix with every variable segment already escaped, e.g. /groups/<id>/userSecurity */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  safety: RequestSafety;
}

export interface ApiResponse {
  status: number;
  /** Attempts it took, retries included. */
  attempts: number;
  /** The body as text, whatever its Content-Type says (POST .../certs labels raw PEM as JSON). */
  text: string;
}

export interface TransportOptions {
  baseUrl: string;
  apiVersion: AtlasApiVersion;
  auth: AtlasAuth;
  timeoutMs: number;
  retry: RetryPolicy;
  userAgent: string;
  /** Waits before a retry; rejects at once when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
  logger?: AtlasLogger;
  /** Aborts every request and retry wait of this transport (the plugin's Cancel). */
  signal?: AbortSignal;
}

const API = {
  v2: { prefix: "/api/atlas/v2", mediaType: "application/vnd.atlas.2023-01-01+json" },
  "v1.0": { prefix: "/api/atlas/v1.0", mediaType: "application/json" },
} as const;

const STOPPED_HINTS = {
  cancelled: "the operation was cancelled before Atlas answered; run it again to finish it.",
  timeout:
    "the resource's customTimeouts ran out before Atlas answered; run again, with a longer customTimeouts if " +
    "Atlas is slow.",
} as const;

/** 429s answered with `Retry-After: 0` cost no wait: this bounds them too. */
const MAX_RATE_LIMITED_RETRIES = 100;

interface Failure {
  kind: AtlasErrorKind;
  status?: number;
  errorCode?: string;
  detail?: string;
  retryAfterMs?: number;
  cause?: unknown;
  /** The auth step failed (e.g. the token request): the API request was not sent. */
  authError?: AtlasApiError;
  /** The request never left (it ended while waiting for another request's digest challenge). */
  notSent?: boolean;
}

export class Transport {
  readonly #options: TransportOptions;
  readonly #baseUrl: string;
  readonly #api: (typeof API)[AtlasApiVersion];

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#api = API[options.apiVersion];
  }

  /** The full path of an API request (API prefix included, query excluded), as errors and logs show it. */
  apiPath(path: string): string {
    return `${this.#api.prefix}${path}`;
  }

  /** Sends the request, retrying as the table above says; resolves with any 2xx response, body read as text. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const { auth, retry, logger, timeoutMs } = this.#options;
    const path = this.apiPath(request.path);
    const query = request.query ? `?${new URLSearchParams(request.query).toString()}` : "";
    const url = `${this.#baseUrl}${path}${query}`;
    const headers: Record<string, string> = { accept: this.#api.mediaType, "user-agent": this.#options.userAgent };
    if (request.body !== undefined) headers["content-type"] = this.#api.mediaType;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const label = `${request.method} ${path}${query}`;

    // The client's signal (cancel) and the operation's (deadline): either ends the request, retries and all.
    const stop = anySignal([this.#options.signal, operationSignal()]);
    let retries = 0; // after failures other than 429, up to retry.maxRetries
    let rateLimitedRetries = 0;
    let rateLimitWaitMs = 0; // waited on 429s, up to retry.maxRateLimitWaitMs
    for (let attempt = 1; ; attempt++) {
      if (stop?.aborted) throw this.#stopped(request, path, stop, attempt - 1, false);
      let failure: Failure;
      try {
        const perAttempt = AbortSignal.timeout(timeoutMs);
        const signal = anySignal([stop, perAttempt]);
        const init: RequestInit = { method: request.method, headers, body, signal };
        const response = await auth.fetch(url, init, this.#options.fetch);
        const text = await response.text();
        logger?.debug(`atlas ${label} -> ${response.status} (attempt ${attempt})`);
        if (response.ok) {
          return { status: response.status, attempts: attempt, text };
        }
        failure = {
          kind: "http",
          status: response.status,
          retryAfterMs: parseRetryAfterMs(response.headers.get("retry-after")),
          ...describeErrorBody(text),
        };
      } catch (error) {
        if (stop?.aborted) {
          logger?.debug(`atlas ${label} -> stopped: ${stopReason(stop).kind} (attempt ${attempt})`);
          throw this.#stopped(request, path, stop, attempt, !(error instanceof RequestNotSent));
        }
        failure = classifyThrown(error, timeoutMs);
        logger?.debug(
          `atlas ${label} -> ${failure.authError ? "auth step failed" : failure.kind} (attempt ${attempt})`,
        );
      }
      const rateLimited = failure.kind === "http" && failure.status === 429 && !failure.authError;
      const delay = Math.round(
        retryDelayMs(rateLimited ? rateLimitedRetries + 1 : retries + 1, retry, failure.retryAfterMs),
      );
      const withinBudget = rateLimited
        ? rateLimitWaitMs + delay <= retry.maxRateLimitWaitMs && rateLimitedRetries < MAX_RATE_LIMITED_RETRIES
        : retries < retry.maxRetries;
      if (!withinBudget || !isRetryable(failure, request.safety)) {
        throw this.#toError(request, path, failure, attempt);
      }
      if (rateLimited) {
        rateLimitedRetries++;
        rateLimitWaitMs += delay;
        logger?.debug(`atlas ${label} rate-limited, retry in ${delay} ms (${rateLimitWaitMs} ms waited on 429s)`);
      } else {
        retries++;
        logger?.debug(`atlas ${label} retry ${retries} of ${retry.maxRetries} in ${delay} ms`);
      }
      try {
        await this.#options.sleep(delay, stop);
      } catch (error) {
        if (stop?.aborted) throw this.#stopped(request, path, stop, attempt, false);
        throw error;
      }
    }
  }

  /**
   * The error of a request stopped by cancel or deadline. `inFlight`: an attempt was under way, so a request that
   * is not safe to repeat may have been carried out; stopped before an attempt or during a wait, none was.
   */
  #stopped(request: ApiRequest, path: string, stop: AbortSignal, attempts: number, inFlight: boolean): AtlasApiError {
    const reason = stopReason(stop);
    const maybeProcessed = inFlight && request.safety !== "idempotent";
    return new AtlasApiError({
      kind: reason.kind,
      method: request.method,
      path,
      detail: reason.message,
      hint: maybeProcessed ? LOST_KEY_HINT : STOPPED_HINTS[reason.kind],
      attempts: Math.max(1, attempts),
      outcomeUnknown: maybeProcessed,
      cause: reason,
    });
  }

  #toError(request: ApiRequest, path: string, failure: Failure, attempts: number): AtlasApiError {
    if (failure.authError) return failure.authError.withAttempts(attempts);
    const maybeProcessed =
      request.safety !== "idempotent" && !failure.notSent && (failure.kind !== "http" || (failure.status ?? 0) >= 500);
    const hint = maybeProcessed ? LOST_KEY_HINT : hintFor(failure.status, failure.errorCode, this.#options.auth.kind);
    return new AtlasApiError({
      kind: failure.kind,
      method: request.method,
      path,
      status: failure.status,
      errorCode: failure.errorCode,
      detail: failure.detail,
      hint,
      attempts,
      outcomeUnknown: maybeProcessed,
      cause: failure.cause,
    });
  }
}

function isRetryable(failure: Failure, safety: RequestSafety): boolean {
  const effective = failure.authError || failure.notSent ? "idempotent" : safety;
  if (failure.kind !== "http") return effective === "idempotent";
  const status = failure.status ?? 0;
  if (status === 429) return true;
  if (status >= 500) return effective !== "issuesSecret";
  return false;
}

function classifyThrown(error: unknown, timeoutMs: number): Failure {
  if (error instanceof RequestNotSent) return { ...classifyThrown(error.reason, timeoutMs), notSent: true };
  if (error instanceof AtlasApiError) {
    return { kind: error.kind, status: error.status, authError: error };
  }
  // By name, not instanceof: fetch's errors may come from another realm (a vm context, as under jest).
  if (errorName(error) === "TimeoutError") {
    return { kind: "timeout", detail: `no complete response within ${timeoutMs} ms`, cause: error };
  }
  // fetch rejects with a TypeError for network failures (undici: "fetch failed" with the reason in `cause`).
  if (errorName(error) === "TypeError") return { kind: "network", detail: describeNetworkError(error), cause: error };
  throw error;
}
