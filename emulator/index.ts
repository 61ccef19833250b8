// A faithful local MongoDB Atlas Admin API emulator for the X.509 endpoints (v2 and v1.0), with digest and
// service-account auth, real certificates from a per-project CA, fault injection, rate limiting and a request log.
// Start it with startEmulator(); drive its hidden state with `emulator.control`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DigestAuthenticator } from "./atlas-api/digest-auth";
import { AtlasApi } from "./atlas-api/pipeline";
import { ServiceAccounts } from "./atlas-api/service-accounts";
import { CertificateIssuer } from "./certificate-issuer";
import { EmulatorClock } from "./clock";
import { EmulatorControl } from "./control/client";
import { CONTROL_PREFIX } from "./control/prefix";
import { handleControl } from "./control/server";
import { resolveCredentials } from "./credentials";
import { DEFAULT_CERTS_PER_USER_LIMIT, DEFAULT_KEY_BITS, DEFAULT_TOKEN_TTL_SECONDS } from "./defaults";
import { FaultInjector } from "./faults";
import { plainJsonResponse, send, splitUrl } from "./http/io";
import { RateLimiter } from "./rate-limit";
import { RequestLog } from "./request-log";
import { defaultLdapSettings, EmulatorState, makeSeedUser, sampleLdapSettings } from "./state";
import type { EmulatorCredentials, EmulatorOptions } from "./types";

export { EmulatorControl } from "./control/client";
export type {
  ApiFlavour,
  EmulatorCredentials,
  EmulatorOptions,
  FaultRule,
  IssuedCertificateInfo,
  RateLimitSettings,
  RequestLogEntry,
  SeedProject,
  SeedUser,
  UserSecurityView,
  X509Type,
} from "./types";

export { DEFAULT_KEY_BITS } from "./defaults";

/** A running emulator, as startEmulator returns it. */
export interface Emulator {
  /** "http://127.0.0.1:PORT" */
  readonly baseUrl: string;
  readonly credentials: EmulatorCredentials;
  readonly projectId: string;
  /** Ids of the projects created from `EmulatorOptions.projects`, by name. */
  readonly projects: Readonly<Record<string, string>>;
  readonly control: EmulatorControl;
  /** Closes the server and every socket (keep-alive included) promptly. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const keyBits = options.keyBits ?? DEFAULT_KEY_BITS;
  if (!Number.isInteger(keyBits) || keyBits < 512 || keyBits > 16384)
    throw new Error(`keyBits must be an integer 512..16384`);
  const credentials = resolveCredentials(options);
  const clock = new EmulatorClock();
  const state = new EmulatorState(keyBits);
  const seeded = state.createProject(options.projectId, options.ldap ?? sampleLdapSettings());
  for (const { username, x509Type } of options.seedUsers ?? []) seeded.putUser(makeSeedUser(username, x509Type));
  const projects: Record<string, string> = {};
  for (const spec of options.projects ?? []) {
    if (Object.hasOwn(projects, spec.name)) throw new Error(`two projects are named ${spec.name}`);
    const project = state.createProject(spec.id, spec.ldap ?? defaultLdapSettings());
    for (const { username, x509Type } of spec.users ?? []) project.putUser(makeSeedUser(username, x509Type));
    if (spec.customerX509Cas !== undefined) project.customerX509Cas = spec.customerX509Cas;
    projects[spec.name] = project.id;
  }

  const issuer = new CertificateIssuer(state, clock, keyBits);
  await issuer.fillKeyPool(options.keyPool ?? 0);
  const faults = new FaultInjector();
  const rateLimiter = new RateLimiter();
  rateLimiter.configure(options.rateLimit ?? null);
  const requestLog = new RequestLog();
  const closing = new AbortController();
  let listChurn = false;
  let baseUrl = "";

  const api = new AtlasApi({
    state,
    services: {
      clock,
      issuer,
      certsPerUserLimit: options.certsPerUserLimit ?? DEFAULT_CERTS_PER_USER_LIMIT,
      listChurn: () => listChurn,
    },
    digest: new DigestAuthenticator(new Map([[credentials.publicKey, credentials.privateKey]])),
    serviceAccounts: new ServiceAccounts(
      credentials.clientId,
      credentials.clientSecret,
      clock,
      options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    ),
    rateLimiter,
    faults,
    requestLog,
    baseUrl: () => baseUrl,
    sleep: (ms) => sleep(ms, closing.signal),
    accessLog: options.log,
  });
  const controlDeps = {
    state,
    clock,
    issuer,
    faults,
    rateLimiter,
    requestLog,
    setListChurn: (on: boolean) => (listChurn = on),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const { path } = splitUrl(req.url ?? "/");
    const work = path.startsWith(`${CONTROL_PREFIX}/`)
      ? handleControl(req, res, controlDeps)
      : (() => {
          const flavour = AtlasApi.flavourOf(path);
          if (flavour) return api.handle(req, res, flavour);
          send(res, plainJsonResponse(404, { error: `not an Atlas API path: ${path}` }));
          return Promise.resolve();
        })();
    work.catch((error: unknown) => {
      options.log?.(`emulator internal error: ${String(error)}`);
      if (!res.headersSent) send(res, plainJsonResponse(500, { error: String(error) }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    credentials,
    projectId: seeded.id,
    projects,
    control: new EmulatorControl(baseUrl),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() for seconds
      });
      return closed;
    },
  };
}

/** A delay that ends early when the emulator closes, so injected delays never keep a test process alive. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
