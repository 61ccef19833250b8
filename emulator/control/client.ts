// Client side of the control API (/__emulator/...): the typed EmulatorControl, for tests, demos and other
// processes. It needs only the emulator's base URL and speaks plain HTTP via fetch; control/server.ts answers it.
import { DEFAULT_CERT_MONTHS } from "../defaults";
import type {
  FaultRule,
  IssuedCertificateInfo,
  RateLimitSettings,
  RequestLogEntry,
  UserSecurityView,
  X509Type,
} from "../types";
import { CONTROL_PREFIX } from "./prefix";

export class EmulatorControl {
  constructor(private readonly baseUrl: string) {}

  requests(): Promise<RequestLogEntry[]> {
    return this.call("GET", "/requests");
  }

  /**
   * The request log once it satisfies `condition`: each time it does not, waits until the emulator records another
   * request (no polling interval, no deadline: the caller's own timeout bounds the wait).
   */
  async waitForRequests(condition: (log: RequestLogEntry[]) => boolean): Promise<RequestLogEntry[]> {
    let log = await this.requests();
    while (!condition(log)) log = await this.call<RequestLogEntry[]>("GET", `/requests/beyond/${log.length}`);
    return log;
  }

  async resetRequests(): Promise<void> {
    await this.call("DELETE", "/requests");
  }

  /** Authenticated requests per "METHOD /templated/path" (v2 and v1.0 share keys). */
  counts(): Promise<Record<string, number>> {
    return this.call("GET", "/counts");
  }

  /** Sets the emulator clock to real time + `ms`. */
  async setClockOffset(ms: number): Promise<void> {
    await this.call("PUT", "/clock", { offsetMs: ms });
  }

  async advanceClock(days: number): Promise<void> {
    await this.call("POST", "/clock/advance", { days });
  }

  /** Adds rules after any already active ones; the first rule that fires for a request wins. */
  async injectFaults(rules: FaultRule[]): Promise<void> {
    await this.call("POST", "/faults", { rules });
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }

  /** A token bucket per credential; null removes the limit. */
  async setRateLimit(limit: RateLimitSettings | null): Promise<void> {
    await this.call("PUT", "/rate-limit", { limit });
  }

  /** PEM of the per-project emulator CA that signs managed certificates. */
  async caCertificate(projectId: string): Promise<string> {
    const { certificatePem } = await this.call<{ certificatePem: string }>("GET", `/projects/${enc(projectId)}/ca`);
    return certificatePem;
  }

  async createProject(projectId?: string): Promise<string> {
    const result = await this.call<{ projectId: string }>("POST", "/projects", { projectId });
    return result.projectId;
  }

  async createUser(projectId: string, username: string, x509Type: X509Type): Promise<void> {
    await this.call("POST", `/projects/${enc(projectId)}/users`, { username, x509Type });
  }

  /** Out-of-band deletion (as if someone used the Atlas UI); the user's certificates stay on record. */
  async deleteUser(projectId: string, username: string): Promise<void> {
    await this.call("DELETE", `/projects/${enc(projectId)}/users/${enc(username)}`);
  }

  /** Out-of-band edit of the customer CA bundle, without Atlas's validation; null disables it. */
  async setCustomerX509(projectId: string, cas: string | null): Promise<void> {
    await this.call("PUT", `/projects/${enc(projectId)}/customer-x509`, { cas });
  }

  /** Out-of-band replacement of the whole LDAP section. */
  async setLdap(projectId: string, ldap: Record<string, unknown>): Promise<void> {
    await this.call("PUT", `/projects/${enc(projectId)}/ldap`, { ldap });
  }

  /** The stored userSecurity, write-only fields (ldap.bindPassword) included. */
  userSecurity(projectId: string): Promise<UserSecurityView> {
    return this.call("GET", `/projects/${enc(projectId)}/user-security`);
  }

  /** Every certificate ever issued to the username, expired ones included, oldest first. */
  issuedCertificates(projectId: string, username: string): Promise<IssuedCertificateInfo[]> {
    return this.call("GET", `/projects/${enc(projectId)}/users/${enc(username)}/issued-certificates`);
  }

  /**
   * When on, after each certs list page is served the user gets one new certificate and loses (to expiry) the
   * oldest unexpired one, so a client paging naively skips or repeats entries.
   */
  async setListChurn(on: boolean): Promise<void> {
    await this.call("PUT", "/list-churn", { on });
  }

  /**
   * Extension: issues `count` real, CA-signed certificates cheaply (one shared key pair, no per-user limit,
   * the user need not exist) so pagination past 500 can be tested quickly.
   */
  async seedCertificates(
    projectId: string,
    username: string,
    count: number,
    monthsUntilExpiration = DEFAULT_CERT_MONTHS,
  ): Promise<void> {
    await this.call("POST", `/projects/${enc(projectId)}/users/${enc(username)}/seed-certificates`, {
      count,
      monthsUntilExpiration,
    });
  }

  private async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${CONTROL_PREFIX}${path}`, {
      method,
      // A new connection per call: a kept-alive one, idle while a test waits on the engine, can be closed by the
      // server (its keep-alive timeout) just as the next call goes out on it, which fails with ECONNRESET.
      headers: { Connection: "close", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator control ${method} ${path} failed: ${response.status} ${text}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
