// `npm run test:load`: one `pulumi up` of 50 ManagedX509Certificates across 10 users plus a CustomerX509Config in
// another project, through the real Pulumi CLI against the bundled emulator under a rate limit; then refresh,
// preview --expect-no-changes and destroy. Runs once under an Atlas-like limit and once under a deliberately tight
// one. Prints durations and request counts, and exits non-zero when a check fails.
//
// The limit: Atlas answered RateLimit-Limit 1200 on the certs endpoints (about 20 requests a second if that is per
// minute). The emulator keeps one token bucket per credential for all endpoints; "Atlas-like" is a bucket of 100
// refilled at 10 a second, half that rate. "Tight" (10, refilled at 2 a second) makes the engine's 8 parallel
// creates wait on 429 + Retry-After.
import { startEmulator, type Emulator, type RateLimitSettings } from "../emulator";
import { EngineStack, emulatorConfig } from "./lib/engine";
import { makeCertificate } from "./lib/pki";
import { findPulumiCli } from "./lib/pulumi-cli";
import { dynamicRoute, type Route } from "./lib/routes";
import type { StackResult } from "./lib/stack-cli";

const USERS = Array.from({ length: 10 }, (_, i) => `load-user-${String(i).padStart(2, "0")}`);
const PER_USER = 5;
const CERTIFICATES = USERS.length * PER_USER;

export interface Phase {
  name: string;
  limit: RateLimitSettings;
}

export const ATLAS_LIKE: Phase = {
  name: "Atlas-like limit (100, +10/s)",
  limit: { capacity: 100, refillPerSecond: 10 },
};
export const TIGHT: Phase = { name: "tight limit (10, +2/s)", limit: { capacity: 10, refillPerSecond: 2 } };

export interface OperationFigures {
  operation: string;
  seconds: number;
  requests: Record<string, number>;
  challenges401: number;
  rateLimited429: number;
}

async function measure(
  failures: string[],
  emulator: Emulator,
  operation: string,
  run: () => Promise<StackResult>,
): Promise<{ result: StackResult; figures: OperationFigures }> {
  await emulator.control.resetRequests();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) {
    const error = result.error ?? "";
    const diagnostics = error.indexOf("Diagnostics:");
    failures.push(`${operation} failed: ${error.slice(diagnostics >= 0 ? diagnostics : 0).slice(0, 2000)}`);
  }
  const log = await emulator.control.requests();
  return {
    result,
    figures: {
      operation,
      seconds,
      requests: await emulator.control.counts(),
      challenges401: log.filter((r) => r.status === 401 && !r.authenticated).length,
      rateLimited429: log.filter((r) => r.status === 429).length,
    },
  };
}

/**
 * One phase (on the dynamic route unless told): a new stack and projects, the rate limit set, then up, refresh, preview and destroy, each measured.
 * `failures` lists every check that did not hold (empty: all passed).
 */
export async function runPhase(
  emulator: Emulator,
  phase: Phase,
  route: Route = dynamicRoute,
): Promise<{ figures: OperationFigures[]; failures: string[] }> {
  const failures: string[] = [];
  const check = (condition: boolean, what: string) => {
    if (!condition) failures.push(what);
  };
  const projectId = await emulator.control.createProject();
  const customerProjectId = await emulator.control.createProject();
  for (const username of USERS) await emulator.control.createUser(projectId, username, "MANAGED");
  const root = makeCertificate({ commonName: "Load Root CA" });
  const stack = EngineStack.create({
    program: "scripts/programs/mixed/index.ts",
    projectName: `load-${phase.limit.capacity}-${route.name}`,
    route,
    config: {
      projectId: { value: projectId },
      usernames: { value: JSON.stringify(USERS) },
      certificatesPerUser: { value: String(PER_USER) },
      customerProjectId: { value: customerProjectId },
      cas: { value: root.certificatePem },
      ...emulatorConfig(emulator, route),
    },
  });
  try {
    await emulator.control.setRateLimit(phase.limit);
    const figures: OperationFigures[] = [];
    const up = await measure(failures, emulator, "up", () => stack.up());
    figures.push(up.figures);
    check(
      up.result.changeSummary?.create === CERTIFICATES + 2,
      `up created ${JSON.stringify(up.result.changeSummary)}`,
    );
    let issued = 0;
    for (const username of USERS) {
      const count = (await emulator.control.issuedCertificates(projectId, username)).length;
      check(count === PER_USER, `${username}: Atlas issued ${count} certificates, expected ${PER_USER}`);
      issued += count;
    }
    check(issued === CERTIFICATES, `Atlas issued ${issued} certificates in all, expected ${CERTIFICATES}`);
    const refresh = await measure(failures, emulator, "refresh", () => stack.refresh({ expectNoChanges: true }));
    figures.push(refresh.figures);
    figures.push(
      (await measure(failures, emulator, "preview", () => stack.preview({ expectNoChanges: true }))).figures,
    );
    figures.push((await measure(failures, emulator, "destroy", () => stack.destroy())).figures);
    return { figures, failures };
  } finally {
    await emulator.control.setRateLimit(null);
    await stack.disposeAsync();
  }
}

export function describeFigures(phase: Phase, figures: OperationFigures[]): string {
  const lines = [phase.name];
  for (const f of figures) {
    const requests = Object.entries(f.requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${count} ${key}`)
      .join(", ");
    lines.push(
      `  ${f.operation.padEnd(8)} ${f.seconds.toFixed(1).padStart(5)} s  ` +
        `${f.challenges401} digest challenge(s), ${f.rateLimited429} x 429; requests: ${requests || "none"}`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { version: pulumiVersion } = findPulumiCli();
  process.stdout.write(
    `pulumi ${pulumiVersion}, node ${process.version}: ${CERTIFICATES} certificates for ${USERS.length} users ` +
      `and one CA bundle in one pulumi up (emulator keys: RSA 2048)\n`,
  );
  const emulator = await startEmulator({ keyBits: 2048 });
  const failures: string[] = [];
  try {
    for (const phase of [ATLAS_LIKE, TIGHT]) {
      const result = await runPhase(emulator, phase);
      process.stdout.write(`\n${describeFigures(phase, result.figures)}\n`);
      failures.push(...result.failures);
    }
  } finally {
    await emulator.close();
  }
  if (failures.length > 0) {
    process.stderr.write(`\nload run failed:\n- ${failures.join("\n- ")}\n`);
    process.exit(1);
  }
  process.stdout.write("\nall checks passed: every certificate issued once, state matches Atlas after refresh\n");
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`\nload run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
