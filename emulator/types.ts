// Public types of the Atlas emulator. Other engineers code against these names and shapes: keep them stable.
// (`Emulator`, the handle startEmulator returns, lives in index.ts: it names EmulatorControl, whose client imports
// these types.)

/** A database user's x509Type, as Atlas names them. */
export const X509_TYPES = ["NONE", "MANAGED", "CUSTOMER"] as const;
export type X509Type = (typeof X509_TYPES)[number];

export interface EmulatorOptions {
  /** Default 0 (a free port). The host is always 127.0.0.1. */
  port?: number;
  /** Digest credentials (programmatic API key); random when absent. */
  publicKey?: string;
  privateKey?: string;
  /** Service-account credentials; random when absent (clientId looks like "mdb_sa_id_<hex>"). */
  clientId?: string;
  clientSecret?: string;
  /** The seeded project, 24 hex characters; random when absent. */
  projectId?: string;
  /** Users created in the seeded project: $external for X.509 users, admin for NONE. */
  seedUsers?: SeedUser[];
  /**
   * LDAP settings of the seeded project (bindPassword is write-only). Default: sample settings (a host, a bind
   * user, a mapping), so tests can prove that a customerX509 PATCH leaves them alone.
   */
  ldap?: Record<string, unknown>;
  /** Further projects created at start, each with fresh LDAP settings unless given; ids by name in `projects`. */
  projects?: SeedProject[];
  /**
   * RSA size of issued user keys and of each project's CA key. Default 4096, as Atlas. Key generation is slow at
   * 4096 (about a second each); tests that do not check the key size use 2048 (or a key pool).
   */
  keyBits?: number;
  /**
   * Benchmarks: generate this many key pairs at start and hand them out in turn, instead of a fresh key pair per
   * POST certs. Takes the emulator's key generation (Atlas's work, done on Atlas's servers) off the machine's
   * cores while something is timed. Certificates stay distinct and each key still matches its certificate.
   * Default 0: a fresh key pair per certificate, as Atlas does.
   */
  keyPool?: number;
  /** Unexpired certificates per user before 400 ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED. Default 500. */
  certsPerUserLimit?: number;
  /** Lifetime of service-account access tokens. Default 3600. */
  tokenTtlSeconds?: number;
  /** An enforced token bucket per credential from the start, as `control.setRateLimit()` sets one. Default none. */
  rateLimit?: RateLimitSettings;
  /** Optional access-log sink; silent by default. */
  log?: (line: string) => void;
}

/** The API key pair (digest) and the service account an emulator accepts. */
export interface EmulatorCredentials {
  publicKey: string;
  privateKey: string;
  clientId: string;
  clientSecret: string;
}

export interface SeedUser {
  username: string;
  x509Type: X509Type;
}

export interface SeedProject {
  /** A name for the caller's own use (the CLI prints ATLAS_PROJECT_ID_<NAME>); Atlas's own name is not modelled. */
  name: string;
  /** 24 lowercase hex characters; random when absent. */
  id?: string;
  users?: SeedUser[];
  /** LDAP settings; default those of a fresh Atlas project. */
  ldap?: Record<string, unknown>;
  /** A customer CA bundle, stored as given without Atlas's validation (as `control.setCustomerX509()` does). */
  customerX509Cas?: string;
}

export type ApiFlavour = "v2" | "v1.0" | "oauth";

export interface RequestLogEntry {
  seq: number;
  method: string;
  /** Path without query, as received (still percent-encoded). */
  path: string;
  query: Record<string, string>;
  /** HTTP status sent; 0 when a fault dropped the connection without a response. */
  status: number;
  /** False for digest challenges and rejected credentials. */
  authenticated: boolean;
  /** Control routes are never logged. */
  api: ApiFlavour;
  durationMs: number;
}

export interface FaultRule {
  /** Match on the HTTP method (case-insensitive) and a substring of the percent-decoded path; both optional. */
  method?: string;
  pathIncludes?: string;
  /** Apply to the next N matching requests (default 1). */
  times?: number;
  /** Instead: apply to every Nth matching request (2 = every other one) until cleared. */
  everyNth?: number;
  status?: number;
  errorCode?: string;
  detail?: string;
  retryAfterSeconds?: number;
  /** Delay the response; the request is still processed unless `status` is set. */
  delayMs?: number;
  /** Act on the request (state changed), then hold the answer this long: a client killed meanwhile never sees it. */
  holdMs?: number;
  /** Destroy the socket before handling, or after the server acted (state changed, no response). */
  drop?: "before" | "after";
  /** Process normally but send a truncated JSON body with status 200. */
  invalidJson?: boolean;
}

export interface RateLimitSettings {
  capacity: number;
  refillPerSecond: number;
}

export interface IssuedCertificateInfo {
  /** Decimal serial number (the `_id` of the certs list). */
  serialNumber: string;
  notAfter: string;
  expired: boolean;
}

export interface UserSecurityView {
  customerX509?: { cas?: string };
  ldap?: Record<string, unknown>;
}
