// The request pipeline for /api/atlas/{v2,v1.0} and /api/oauth:
//   authenticate -> rate limit -> (v2) version check -> faults -> route -> project lookup -> handler.
// Authentication comes first so a digest client's unauthenticated round-trip never consumes a fault or a
// rate-limit token, and never shows up in counts().
import type { IncomingMessage, ServerResponse } from "node:http";
import { truncatedJson, type FaultInjector } from "../faults";
import { mediaTypeOf, plainJsonResponse, readBody, safeDecode, send, splitUrl, type ApiResponse } from "../http/io";
import { matchRoute, type RouteResult } from "../http/route-matcher";
import type { RateLimiter } from "../rate-limit";
import type { RequestLog } from "../request-log";
import { PROJECT_ID_PATTERN, type EmulatorState } from "../state";
import type { ApiFlavour } from "../types";
import { ApiContext, type EmulatorServices } from "./context";
import type { DigestAuthenticator } from "./digest-auth";
import { ApiError, atlasErrors, defaultErrorCode } from "./errors";
import { errorResponse } from "./responses";
import { API_ROUTES, rateLimitFamily, type ApiHandler } from "./routes";
import type { ServiceAccounts } from "./service-accounts";
import { apiPrefix, ATLAS_V2_MEDIA_TYPE, type ApiVersion } from "./versions";

export interface AtlasApiDeps {
  state: EmulatorState;
  services: EmulatorServices;
  digest: DigestAuthenticator;
  serviceAccounts: ServiceAccounts;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  requestLog: RequestLog;
  baseUrl: () => string;
  /** Resolves after `ms`, or early when the emulator closes. */
  sleep: (ms: number) => Promise<void>;
  accessLog?: (line: string) => void;
}

/** `response` undefined means "destroy the socket without answering" (a drop fault). */
interface Outcome {
  response?: ApiResponse;
  authenticated: boolean;
  countKey: string;
}

type AuthResult = { ok: true; credential: string } | { ok: false; response: ApiResponse };

export class AtlasApi {
  constructor(private readonly deps: AtlasApiDeps) {}

  static flavourOf(path: string): ApiFlavour | undefined {
    if (path.startsWith(`${apiPrefix("v2")}/`)) return "v2";
    if (path.startsWith(`${apiPrefix("v1.0")}/`)) return "v1.0";
    if (path.startsWith("/api/oauth/")) return "oauth";
    return undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, flavour: ApiFlavour): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const { path, query } = splitUrl(rawUrl);
    let outcome: Outcome;
    try {
      const body = await readBody(req);
      outcome =
        flavour === "oauth"
          ? await this.oauth(req, method, path, body)
          : await this.atlas(req, flavour, method, rawUrl, body);
    } catch (error) {
      outcome = { response: errorResponse(asApiError(error)), authenticated: false, countKey: `${method} ${path}` };
    }
    if (outcome.response) send(res, outcome.response);
    else req.socket.destroy();

    const status = outcome.response?.status ?? 0;
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    this.deps.requestLog.record(
      { method, path, query, status, authenticated: outcome.authenticated, api: flavour, durationMs },
      outcome.countKey,
    );
    this.deps.accessLog?.(`${method} ${rawUrl} ${status === 0 ? "dropped" : status} ${durationMs}ms`);
  }

  private async oauth(req: IncomingMessage, method: string, path: string, body: Buffer): Promise<Outcome> {
    let authenticated = false;
    const response = await this.withFaults(method, path, async () => {
      const accounts = this.deps.serviceAccounts;
      const result =
        path === "/api/oauth/token"
          ? accounts.token(method, req.headers, body)
          : path === "/api/oauth/revoke"
            ? accounts.revoke(method, req.headers, body)
            : { response: plainJsonResponse(404, { error: "not_found" }), authenticated: false };
      authenticated = result.authenticated;
      return result.response;
    });
    return { response, authenticated, countKey: `${method} ${path}` };
  }

  private async atlas(
    req: IncomingMessage,
    api: ApiVersion,
    method: string,
    rawUrl: string,
    body: Buffer,
  ): Promise<Outcome> {
    const { path, search } = splitUrl(rawUrl);
    const pathUnderPrefix = path.slice(apiPrefix(api).length);
    const segments = decodeSegments(pathUnderPrefix);
    const routed: RouteResult<ApiHandler> = segments ? matchRoute(API_ROUTES, method, segments) : { kind: "not-found" };
    const template = routed.kind === "match" ? routed.route.template : undefined;
    const countKey = `${method} ${template ?? pathUnderPrefix}`;

    const auth = this.authenticate(req, method, rawUrl);
    if (!auth.ok) return { response: auth.response, authenticated: false, countKey };

    const limiter = this.deps.rateLimiter;
    const enforced = limiter.take(auth.credential);
    let response: ApiResponse | undefined;
    if (enforced && !enforced.allowed) {
      const { capacity, refillPerSecond } = limiter.configured!;
      const perMinute = Math.round(refillPerSecond * 60 * 1000) / 1000;
      response = errorResponse(
        atlasErrors.rateLimited(path.slice(1), enforced.retryAfterSeconds, capacity, perMinute, 60),
      );
    } else if (api === "v2" && !acceptsV2(req.headers.accept)) {
      response = errorResponse(atlasErrors.invalidVersion(req.headers.accept ?? ""));
    } else {
      response = await this.withFaults(method, path, () => this.dispatch(req, api, method, path, search, body, routed));
    }
    const rate = api === "v2" ? (enforced ?? this.nominalRate(auth.credential, routed)) : undefined;
    if (response && rate) {
      response.headers["RateLimit-Limit"] = String(rate.limit);
      response.headers["RateLimit-Remaining"] = String(rate.remaining);
    }
    return { response, authenticated: true, countKey };
  }

  /**
   * Atlas's nominal RateLimit-* values, counted per credential, project and route family. None for an unknown
   * route or a project that does not exist: the recorded GROUP_NOT_FOUND answers carry no RateLimit-* headers.
   */
  private nominalRate(
    credential: string,
    routed: RouteResult<ApiHandler>,
  ): { limit: number; remaining: number } | undefined {
    if (routed.kind !== "match") return undefined;
    const family = rateLimitFamily(routed.route.template);
    const groupId = routed.params.groupId;
    if (!family || groupId === undefined || !this.deps.state.projects.has(groupId)) return undefined;
    return this.deps.rateLimiter.nominal(credential, groupId, family.family, family.limit);
  }

  private authenticate(req: IncomingMessage, method: string, rawUrl: string): AuthResult {
    const header = req.headers.authorization ?? "";
    if (/^Bearer\s/i.test(header)) {
      const clientId = this.deps.serviceAccounts.verifyBearer(header.replace(/^Bearer\s+/i, "").trim());
      return clientId
        ? { ok: true, credential: `service-account:${clientId}` }
        : { ok: false, response: this.challenge(false) };
    }
    if (/^Digest\s/i.test(header)) {
      const verdict = this.deps.digest.verify(header, method, rawUrl);
      return verdict.ok
        ? { ok: true, credential: `api-key:${verdict.publicKey}` }
        : { ok: false, response: this.challenge(verdict.stale) };
    }
    return { ok: false, response: this.challenge(false) };
  }

  /** Every API 401 carries a fresh digest challenge, as Atlas's digest front end does. */
  private challenge(stale: boolean): ApiResponse {
    const response = errorResponse(atlasErrors.unauthorized());
    response.headers["WWW-Authenticate"] = this.deps.digest.challenge(stale);
    return response;
  }

  private async withFaults(
    method: string,
    path: string,
    run: () => Promise<ApiResponse>,
  ): Promise<ApiResponse | undefined> {
    const fault = this.deps.faults.take(method, safeDecode(path) ?? path);
    if (!fault) return run();
    if (fault.drop === "before") return undefined;
    if (fault.delayMs) await this.deps.sleep(fault.delayMs);
    if (fault.status !== undefined) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : {};
      const detail = fault.detail ?? `Injected fault: HTTP ${fault.status}.`;
      return errorResponse(
        new ApiError(fault.status, fault.errorCode ?? defaultErrorCode(fault.status), detail, [], headers),
      );
    }
    const response = await run();
    if (fault.holdMs) await this.deps.sleep(fault.holdMs);
    if (fault.drop === "after") return undefined;
    if (fault.invalidJson) return { status: 200, headers: response.headers, body: truncatedJson(response.body) };
    return response;
  }

  private async dispatch(
    req: IncomingMessage,
    api: ApiVersion,
    method: string,
    path: string,
    search: URLSearchParams,
    body: Buffer,
    routed: RouteResult<ApiHandler>,
  ): Promise<ApiResponse> {
    try {
      if (routed.kind === "not-found") throw atlasErrors.resourceNotFound(path);
      if (routed.kind === "method-not-allowed") throw atlasErrors.methodNotAllowed(method, path);
      const groupId = routed.params.groupId!;
      if (!PROJECT_ID_PATTERN.test(groupId)) throw atlasErrors.invalidGroupId(groupId);
      const project = this.deps.state.projects.get(groupId);
      if (!project) throw atlasErrors.groupNotFound(groupId);
      const ctx = new ApiContext({
        api,
        method,
        rawPath: path,
        params: routed.params,
        search,
        project,
        baseUrl: this.deps.baseUrl(),
        services: this.deps.services,
        headers: req.headers,
        body,
      });
      return await routed.route.handler(ctx);
    } catch (error) {
      return errorResponse(asApiError(error));
    }
  }
}

/** Segments after the version prefix, percent-decoded one by one; undefined when one is malformed. */
function decodeSegments(pathUnderPrefix: string): string[] | undefined {
  const decoded = pathUnderPrefix.split("/").slice(1).map(safeDecode);
  return decoded.every((s): s is string => s !== undefined) ? decoded : undefined;
}

/** The Accept header must name the 2023-01-01 vendor type, the only version these operations have. */
function acceptsV2(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((part) => mediaTypeOf(part) === ATLAS_V2_MEDIA_TYPE);
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, "UNEXPECTED_ERROR", `Unexpected error: ${message}`);
}
