// Fault storms through the real engine, on both routes: `pulumi up` of two users' certificates and a CA bundle while
// the emulator rate-limits, fails, drops connections, stalls, garbles bodies or shifts list pages. Each storm ends in
// success or in a clear error (status, errorCode, hint; no stack trace, no secret), no certificate is minted twice,
// and a following `pulumi refresh` + `pulumi preview --expect-no-changes` shows that the state matches Atlas.
import { sameBundle } from "../../provider/resources/customerX509Config";
import { startEmulator, type Emulator, type FaultRule } from "../../emulator";
import { EngineStack, emulatorConfig } from "../../scripts/lib/engine";
import { makeCertificate } from "../../scripts/lib/pki";
import { routes } from "../../scripts/lib/routes";
import { resourcesOfType } from "../support/state";
import type { StackResult } from "../../scripts/lib/stack-cli";

const USERS = ["svc-a", "svc-b"];
const PER_USER = 2;
const root = makeCertificate({ commonName: "Storm Root CA" });
const issuing = makeCertificate({ commonName: "Storm Issuing CA", issuer: root });

// The engine runs several operations per test; a busy machine takes minutes, not the default 60 s.
jest.setTimeout(300_000);

describe.each(routes)("on the $name route", (route) => {
  const MANAGED = route.types.ManagedX509Certificate;
  const CUSTOMER = route.types.CustomerX509Config;

  let emulator: Emulator;
  /** The storm under way, whose stack is disposed after its test. */
  let current: Storm | undefined;
  const disposals: Promise<void>[] = [];

  beforeAll(async () => {
    // Room for 500 seeded certificates plus the stack's own in the list-churn storm.
    // 1024-bit keys keep the emulator's key generation far below the request timeouts on a busy machine.
    emulator = await startEmulator({ certsPerUserLimit: 2000, keyBits: 1024 });
  });
  afterAll(async () => {
    await Promise.all(disposals);
    await emulator.close();
  });
  afterEach(async () => {
    await emulator.control.clearFaults();
    await emulator.control.setListChurn(false);
    // Removing a stack's project takes seconds: it runs while the next storm does.
    if (current) disposals.push(current.stack.disposeAsync());
    current = undefined;
  });

  interface Storm {
    stack: EngineStack;
    projectId: string;
    customerProjectId: string;
  }

  /** A stack of USERS x PER_USER certificates in a fresh project, and a CA bundle in another. */
  async function newStorm(name: string, config: Record<string, string> = {}): Promise<Storm> {
    const projectId = await emulator.control.createProject();
    const customerProjectId = await emulator.control.createProject();
    for (const username of USERS) await emulator.control.createUser(projectId, username, "MANAGED");
    const stack = EngineStack.create({
      program: "scripts/programs/mixed/index.ts",
      projectName: `storm-${name}-${route.name}`,
      route,
      config: {
        projectId: { value: projectId },
        usernames: { value: JSON.stringify(USERS) },
        certificatesPerUser: { value: String(PER_USER) },
        customerProjectId: { value: customerProjectId },
        cas: { value: root.certificatePem + issuing.certificatePem },
        ...emulatorConfig(emulator, route),
        ...Object.fromEntries(Object.entries(config).map(([key, value]) => [key, { value }])),
      },
    });
    current = { stack, projectId, customerProjectId };
    return current;
  }

  async function inject(rules: FaultRule[]): Promise<void> {
    await emulator.control.clearFaults();
    await emulator.control.injectFaults(rules);
    await emulator.control.resetRequests();
  }

  /** Every certificate Atlas ever issued in the project, per user. */
  async function issued(storm: Storm): Promise<Record<string, string[]>> {
    const entries = await Promise.all(
      USERS.map(async (u) => [
        u,
        (await emulator.control.issuedCertificates(storm.projectId, u)).map((c) => c.serialNumber),
      ]),
    );
    return Object.fromEntries(entries);
  }

  async function countRequests(filter: (r: { method: string; path: string; status: number }) => boolean) {
    return (await emulator.control.requests()).filter((r) => r.authenticated && filter(r)).length;
  }
  const isPostCerts = (r: { method: string; path: string }) => r.method === "POST" && r.path.endsWith("/certs");

  /** The text a user sees of a failed operation; it must be clear and free of stack traces and secrets. */
  function expectCleanFailure(result: StackResult, ...patterns: RegExp[]): string {
    expect(result.ok).toBe(false);
    const text = `${result.error ?? ""}\n${result.output}`;
    for (const pattern of patterns) expect(text).toMatch(pattern);
    // No stack frame, except the Pulumi SDK's own report of a failed registration, which the program prints when
    // --continue-on-error lets it run on past a failed resource.
    expect(text).not.toMatch(/\n\s+at (?!\S*node_modules\/@pulumi\/pulumi\/runtime\/).*\.js:\d+/);
    expect(text).not.toContain(emulator.credentials.privateKey);
    expect(text).not.toContain(emulator.credentials.clientSecret);
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    return text;
  }

  function expectSuccess(result: StackResult): StackResult {
    if (!result.ok) throw new Error(`operation failed:\n${result.error?.slice(0, 3000)}`);
    return result;
  }

  /**
   * After the storm: refresh, then a preview that must find nothing to do; the state holds exactly the declared
   * certificates, all of them listed by Atlas, and Atlas has issued `orphans` more than the state holds.
   */
  async function expectStateMatchesAtlas(storm: Storm, orphans = 0, keepFaults = false): Promise<void> {
    if (!keepFaults) await emulator.control.clearFaults();
    const refresh = expectSuccess(await storm.stack.refresh());
    expectSuccess(await storm.stack.preview({ expectNoChanges: true }));
    const certs = resourcesOfType(refresh.deployment, MANAGED);
    expect(certs).toHaveLength(USERS.length * PER_USER);
    const everIssued = await issued(storm);
    for (const username of USERS) {
      const inState = certs.filter((c) => c.outputs.username === username).map((c) => String(c.outputs.serialNumber));
      expect(inState).toHaveLength(PER_USER);
      expect(everIssued[username]).toEqual(expect.arrayContaining(inState));
    }
    expect(Object.values(everIssued).flat()).toHaveLength(USERS.length * PER_USER + orphans);
    const [bundle] = resourcesOfType(refresh.deployment, CUSTOMER);
    const atlasCas = (await emulator.control.userSecurity(storm.customerProjectId)).customerX509?.cas ?? "";
    expect(sameBundle(String(bundle.outputs.cas), atlasCas)).toBe(true);
    expect(sameBundle(atlasCas, root.certificatePem + issuing.certificatePem)).toBe(true);
  }

  it("429 with Retry-After on every other call: up and refresh complete, one POST answered per certificate", async () => {
    const storm = await newStorm("429");
    await inject([{ everyNth: 2, status: 429, errorCode: "RATE_LIMITED", retryAfterSeconds: 1 }]);
    expectSuccess(await storm.stack.up());
    const log = await emulator.control.requests();
    expect(log.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    expect(log.filter((r) => isPostCerts(r) && r.status === 201)).toHaveLength(USERS.length * PER_USER);
    expect(Object.values(await issued(storm)).flat()).toHaveLength(USERS.length * PER_USER);
    // The refresh reads through the same storm.
    await expectStateMatchesAtlas(storm, 0, true);
    expect((await emulator.control.requests()).filter((r) => r.status === 429).length).toBeGreaterThan(log.length / 3);
  });

  it("bursts of 500/502/503: reads and the bundle PATCH retry through; a 5xx on POST certs fails clearly, once", async () => {
    const storm = await newStorm("5xx");
    await inject([
      { pathIncludes: "/userSecurity", times: 2, status: 503, retryAfterSeconds: 1 },
      { pathIncludes: "/userSecurity", times: 1, status: 502 },
      { pathIncludes: "/userSecurity", times: 1, status: 500 },
      { method: "POST", pathIncludes: "/certs", times: 1, status: 502, errorCode: "BAD_GATEWAY" },
    ]);
    const up = await storm.stack.up({ continueOnError: true });
    expectCleanFailure(
      up,
      /POST \/api\/atlas\/v2\/groups\/\w+\/databaseUsers\/svc-\w\/certs failed: 502 BAD_GATEWAY/,
      /Hint: Atlas may have issued a certificate/,
    );
    expect(await countRequests(isPostCerts)).toBe(USERS.length * PER_USER);
    expect(Object.values(await issued(storm)).flat()).toHaveLength(USERS.length * PER_USER - 1);

    await emulator.control.clearFaults();
    expectSuccess(await storm.stack.up());
    // The refresh reads every user's list through another burst.
    await inject([
      { method: "GET", pathIncludes: "/certs", times: 2, status: 500 },
      { method: "GET", pathIncludes: "/certs", times: 1, status: 503, retryAfterSeconds: 1 },
    ]);
    await expectStateMatchesAtlas(storm, 0, true);
    expect(await countRequests((r) => r.method === "GET" && r.status >= 500)).toBe(3);
  });

  it("connections dropped before and after Atlas acted: reads retry, POST certs fails clearly and is never repeated", async () => {
    const storm = await newStorm("drop");
    await inject([
      // The first POST is lost before Atlas sees it, the second after Atlas issued the certificate.
      { method: "POST", pathIncludes: "/certs", times: 1, drop: "before" },
      { method: "POST", pathIncludes: "/certs", times: 1, drop: "after" },
      { method: "GET", pathIncludes: "/userSecurity", times: 1, drop: "before" },
      { method: "PATCH", pathIncludes: "/userSecurity", times: 1, drop: "after" },
    ]);
    const up = await storm.stack.up({ continueOnError: true });
    const text = expectCleanFailure(up, /certs failed: network error/, /its private key never arrived and is lost/);
    expect(text.match(/certs failed: network error/g)?.length).toBeGreaterThanOrEqual(2);
    // One POST per certificate: neither failed one was retried, although Atlas issued one of them.
    expect(await countRequests(isPostCerts)).toBe(USERS.length * PER_USER);
    expect(await countRequests((r) => isPostCerts(r) && r.status === 0)).toBe(2);
    expect(Object.values(await issued(storm)).flat()).toHaveLength(USERS.length * PER_USER - 1);
    // The bundle went through: its dropped GET and PATCH were repeated.
    expect(await countRequests((r) => r.path.endsWith("/userSecurity"))).toBe(4);
    await emulator.control.resetRequests();
    expectSuccess(await storm.stack.up());
    expect(await countRequests(isPostCerts)).toBe(2);
    await expectStateMatchesAtlas(storm, 1);
  });

  it("responses slower than the timeout: reads retry; a POST that outlives it fails clearly and is not repeated", async () => {
    const storm = await newStorm("slow", { [route.settings.requestTimeoutSeconds]: "3" });
    await inject([
      { method: "GET", pathIncludes: "/userSecurity", times: 1, delayMs: 6_000 },
      { method: "POST", pathIncludes: "/certs", times: 1, delayMs: 6_000 },
    ]);
    const up = await storm.stack.up({ continueOnError: true });
    const text = expectCleanFailure(
      up,
      /certs failed: timed out \(no complete response within 3000 ms\)/,
      /Hint: Atlas may have issued/,
    );
    // The stalled POST failed; on a busy machine another may have outlived the timeout too. Each is issued by
    // Atlas all the same, never requested twice, and issued once more by the next up.
    const timedOut = new Set([...text.matchAll(/(user\d-cert\d) \*\*creating failed\*\*/g)].map((m) => m[1])).size;
    expect(timedOut).toBeGreaterThanOrEqual(1);
    // Atlas finishes the stalled GET and POST after the client gave up on them (they are logged once answered).
    await emulator.control.waitForRequests(
      (log) =>
        log.filter((r) => r.authenticated && isPostCerts(r) && r.status === 201).length === USERS.length * PER_USER &&
        log.filter((r) => r.authenticated && r.path.endsWith("/userSecurity")).length >= 3,
    );
    expect(await countRequests(isPostCerts)).toBe(USERS.length * PER_USER);
    expect(Object.values(await issued(storm)).flat()).toHaveLength(USERS.length * PER_USER);
    expect(await countRequests((r) => r.path.endsWith("/userSecurity"))).toBeGreaterThanOrEqual(3);
    // The storm is over: back to the default timeout, so that a busy machine cannot make the recovery fail.
    storm.stack.config[route.settings.requestTimeoutSeconds] = { value: "30" };
    expectSuccess(await storm.stack.up());
    await expectStateMatchesAtlas(storm, timedOut);
  });

  it("invalid JSON: a garbled read or certificate body fails clearly, nothing is repeated, the next up recovers", async () => {
    const storm = await newStorm("invalid-json");
    await inject([
      { method: "GET", pathIncludes: "/userSecurity", times: 1, invalidJson: true },
      { method: "POST", pathIncludes: "/certs", times: 1, invalidJson: true },
    ]);
    const up = await storm.stack.up({ continueOnError: true });
    const text = expectCleanFailure(up, /certs failed: 200: unexpected response: it is not a PEM certificate/);
    expect(text).toMatch(
      /userSecurity failed: 200: unexpected response: it is not valid JSON\. Hint: .*safe to repeat/,
    );
    expect(await countRequests(isPostCerts)).toBe(USERS.length * PER_USER);
    expectSuccess(await storm.stack.up());

    await inject([{ method: "GET", pathIncludes: "/certs", times: 1, invalidJson: true }]);
    const refresh = await storm.stack.refresh();
    const refreshText = expectCleanFailure(refresh, /certs failed: 200: unexpected response: it is not valid JSON/);
    // The dynamic-provider plugin's own report of the failed read: the message once more, without a stack trace
    // (the provider plugin answers the engine with the message alone).
    if (route.name === "dynamic") expect(refreshText).toMatch(/pulumi-atlas-x509: Atlas API GET \S+\/certs failed/);
    await expectStateMatchesAtlas(storm, 1);
  });

  it("list pages changing between calls: refresh keeps every certificate of a user with 500 others", async () => {
    const storm = await newStorm("churn");
    // 500 older certificates first: the stack's own then sit at the page boundary, where churn shifts them.
    for (const username of USERS) await emulator.control.seedCertificates(storm.projectId, username, 500);
    expectSuccess(await storm.stack.up());
    await emulator.control.setListChurn(true);
    await emulator.control.resetRequests();
    const refresh = expectSuccess(await storm.stack.refresh({ expectNoChanges: true }));
    expect(refresh.changeSummary?.delete ?? 0).toBe(0);
    expect(resourcesOfType(refresh.deployment, MANAGED)).toHaveLength(USERS.length * PER_USER);
    expectSuccess(await storm.stack.up({ refresh: true, expectNoChanges: true }));
    expectSuccess(await storm.stack.preview({ expectNoChanges: true }));
    expect(await countRequests(isPostCerts)).toBe(0);
    // Two users, two refreshes, each list of two pages read twice.
    expect(await countRequests((r) => r.method === "GET" && r.path.endsWith("/certs"))).toBeGreaterThanOrEqual(16);
  });
});
