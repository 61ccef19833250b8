// Server side of the control API under /__emulator/ (no auth, never logged, JSON in and out). Tests, demos and
// other processes drive it through EmulatorControl (control/client.ts), which is the only documented way to use it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CertificateIssuer } from "../certificate-issuer";
import type { EmulatorClock } from "../clock";
import { DEFAULT_CERT_MONTHS } from "../defaults";
import type { FaultInjector } from "../faults";
import { plainJsonResponse, readBody, safeDecode, send, splitUrl, type ApiResponse } from "../http/io";
import { matchRoute, type Route } from "../http/route-matcher";
import type { RateLimiter } from "../rate-limit";
import type { RequestLog } from "../request-log";
import { DATABASE_NAMES, defaultLdapSettings, makeSeedUser, type EmulatorState, type Project } from "../state";
import {
  X509_TYPES,
  type FaultRule,
  type IssuedCertificateInfo,
  type RateLimitSettings,
  type X509Type,
} from "../types";
import { CONTROL_PREFIX } from "./prefix";

export interface ControlDeps {
  state: EmulatorState;
  clock: EmulatorClock;
  issuer: CertificateIssuer;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  requestLog: RequestLog;
  setListChurn: (on: boolean) => void;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type ControlHandler = (
  deps: ControlDeps,
  params: Record<string, string>,
  body: Record<string, unknown>,
) => unknown | Promise<unknown>;

/** The control routes; paths are relative to /__emulator. Returning undefined answers 204. */
const CONTROL_ROUTES: readonly Route<ControlHandler>[] = [
  { method: "GET", template: "/health", handler: () => ({ ok: true }) },
  { method: "GET", template: "/requests", handler: (d) => d.requestLog.list() },
  {
    method: "GET",
    template: "/requests/beyond/{count}",
    handler: async (d, p) => {
      await d.requestLog.beyond(num(Number(p.count), "count"));
      return d.requestLog.list();
    },
  },
  { method: "DELETE", template: "/requests", handler: (d) => void d.requestLog.reset() },
  { method: "GET", template: "/counts", handler: (d) => d.requestLog.counts() },
  { method: "PUT", template: "/clock", handler: (d, _p, b) => void d.clock.setOffset(num(b.offsetMs, "offsetMs")) },
  { method: "POST", template: "/clock/advance", handler: (d, _p, b) => void d.clock.advanceDays(num(b.days, "days")) },
  { method: "POST", template: "/faults", handler: (d, _p, b) => void addFaults(d, b.rules) },
  { method: "DELETE", template: "/faults", handler: (d) => void d.faults.clear() },
  {
    method: "PUT",
    template: "/rate-limit",
    handler: (d, _p, b) => void guard(() => d.rateLimiter.configure((b.limit ?? null) as RateLimitSettings | null)),
  },
  { method: "PUT", template: "/list-churn", handler: (d, _p, b) => void d.setListChurn(b.on === true) },
  {
    method: "POST",
    template: "/projects",
    handler: (d, _p, b) => ({
      projectId: guard(() => d.state.createProject(optionalString(b.projectId, "projectId"), defaultLdapSettings())).id,
    }),
  },
  {
    method: "GET",
    template: "/projects/{projectId}/ca",
    handler: async (d, p) => ({ certificatePem: (await project(d, p).certificateAuthority(d.clock)).certificatePem }),
  },
  { method: "POST", template: "/projects/{projectId}/users", handler: (d, p, b) => void createUser(d, p, b) },
  {
    method: "DELETE",
    template: "/projects/{projectId}/users/{username}",
    handler: (d, p) => {
      const target = project(d, p);
      const removed = DATABASE_NAMES.filter((db) => target.deleteUser(db, p.username!));
      if (removed.length === 0) throw new ControlError(404, `no user ${p.username}`);
    },
  },
  {
    method: "PUT",
    template: "/projects/{projectId}/customer-x509",
    handler: (d, p, b) => {
      const cas = b.cas ?? null;
      if (cas !== null && typeof cas !== "string") throw new ControlError(400, "cas must be a string or null");
      project(d, p).customerX509Cas = cas;
    },
  },
  {
    method: "PUT",
    template: "/projects/{projectId}/ldap",
    handler: (d, p, b) => {
      if (b.ldap === null || typeof b.ldap !== "object") throw new ControlError(400, "ldap must be an object");
      project(d, p).ldap = { ...(b.ldap as Record<string, unknown>) };
    },
  },
  {
    method: "GET",
    template: "/projects/{projectId}/user-security",
    handler: (d, p) => {
      const target = project(d, p);
      return {
        customerX509: target.customerX509Cas === null ? {} : { cas: target.customerX509Cas },
        ldap: target.ldap,
      };
    },
  },
  {
    method: "GET",
    template: "/projects/{projectId}/users/{username}/issued-certificates",
    handler: (d, p): IssuedCertificateInfo[] => {
      const now = d.clock.now().getTime();
      return project(d, p)
        .allCertificates(p.username!)
        .map((cert) => ({
          serialNumber: cert.serial.toString(10),
          notAfter: cert.notAfter.toISOString(),
          expired: cert.notAfter.getTime() <= now,
        }));
    },
  },
  {
    method: "POST",
    template: "/projects/{projectId}/users/{username}/seed-certificates",
    handler: async (d, p, b) => {
      const count = num(b.count, "count");
      const months =
        b.monthsUntilExpiration === undefined
          ? DEFAULT_CERT_MONTHS
          : num(b.monthsUntilExpiration, "monthsUntilExpiration");
      if (!Number.isInteger(count) || count < 1 || count > 10_000)
        throw new ControlError(400, "count must be 1..10000");
      await d.issuer.issueShared(project(d, p), p.username!, count, months);
    },
  },
];

export async function handleControl(req: IncomingMessage, res: ServerResponse, deps: ControlDeps): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const { path } = splitUrl(req.url ?? "/");
  const segments = path.slice(CONTROL_PREFIX.length).split("/").slice(1).map(safeDecode);
  let response: ApiResponse;
  try {
    if (segments.some((s) => s === undefined)) throw new ControlError(400, "malformed path");
    const routed = matchRoute(CONTROL_ROUTES, method, segments as string[]);
    if (routed.kind !== "match")
      throw new ControlError(routed.kind === "not-found" ? 404 : 405, `no control route ${method} ${path}`);
    const text = (await readBody(req)).toString("utf8");
    const body = text.trim() === "" ? {} : parseObject(text);
    const result = await routed.route.handler(deps, routed.params, body);
    response = result === undefined ? { status: 204, headers: {}, body: "" } : plainJsonResponse(200, result);
  } catch (error) {
    const status = error instanceof ControlError ? error.status : 500;
    response = plainJsonResponse(status, { error: error instanceof Error ? error.message : String(error) });
  }
  send(res, response);
}

function project(deps: ControlDeps, params: Record<string, string>): Project {
  const found = deps.state.projects.get(params.projectId!);
  if (!found) throw new ControlError(404, `no project ${params.projectId}`);
  return found;
}

function createUser(deps: ControlDeps, params: Record<string, string>, body: Record<string, unknown>): void {
  const target = project(deps, params);
  const username = body.username;
  const x509Type = body.x509Type as X509Type;
  if (typeof username !== "string" || username === "") throw new ControlError(400, "username is required");
  if (!X509_TYPES.includes(x509Type)) throw new ControlError(400, "x509Type must be NONE, MANAGED or CUSTOMER");
  const user = makeSeedUser(username, x509Type);
  if (target.findUser(user.databaseName, username)) throw new ControlError(409, `user ${username} already exists`);
  target.putUser(user);
}

function addFaults(deps: ControlDeps, rules: unknown): void {
  if (!Array.isArray(rules)) throw new ControlError(400, "rules must be an array");
  guard(() => deps.faults.add(rules as FaultRule[]));
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ControlError(400, "body must be a JSON object");
}

function num(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ControlError(400, `${name} must be a number`);
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== "string") throw new ControlError(400, `${name} must be a string`);
  return value;
}

/** Turns validation errors thrown by the emulator's classes into 400s. */
function guard<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new ControlError(400, error instanceof Error ? error.message : String(error));
  }
}
