// `pulumi refresh` through the real Pulumi CLI and engine, on both routes, with a ManagedX509Certificate and a
// CustomerX509Config in the stack, while the way to Atlas fails: a proxy's 404 page, an Atlas 404 whose errorCode is not a _NOT_FOUND
// one, 503s that outlast the retries, timeouts, reset connections, an empty 200. Each refresh fails with a clear
// error and the exported state still holds both resources exactly as before. Only Atlas saying that the project
// does not exist (404 GROUP_NOT_FOUND) makes a refresh drop them.
import { startEmulator, type Emulator, type FaultRule } from "../../emulator";
import { EngineStack } from "../../scripts/lib/engine";
import { makeCertificate } from "../../scripts/lib/pki";
import { routes } from "../../scripts/lib/routes";
import type { StackResult } from "../../scripts/lib/stack-cli";
import { NON_ATLAS_404, startFrontProxy, type FrontProxy, type ProxyAnswer } from "../support/front-proxy";
import { resourcesOfType } from "../support/state";

jest.setTimeout(300_000);

const root = makeCertificate({ commonName: "Refresh Root CA" });

describe.each(routes)("on the $name route", (route) => {
  const MANAGED = route.types.ManagedX509Certificate;
  const CUSTOMER = route.types.CustomerX509Config;

  let emulator: Emulator;
  let proxy: FrontProxy;
  let stack: EngineStack;
  /** Both resources as the first `pulumi up` left them in the exported state. */
  let baseline: string;

  /**
   * The two resources of the exported state: URN, id, inputs and outputs, secrets in plain text (their ciphertext
   * changes whenever the engine writes the state, their value must not).
   */
  function resources(deployment: unknown): string {
    const all = [...resourcesOfType(deployment, MANAGED), ...resourcesOfType(deployment, CUSTOMER)];
    return JSON.stringify(
      all.map((r) => ({ urn: r.urn, id: (r as { id?: string }).id, inputs: r.inputs, outputs: r.outputs })),
      null,
      1,
    );
  }

  async function exported(): Promise<string> {
    const result = await stack.export({ showSecrets: true });
    if (!result.ok) throw new Error(`export failed: ${result.error}`);
    return resources(result.deployment);
  }

  function expectCleanFailure(result: StackResult, pattern: RegExp): void {
    expect(result.ok).toBe(false);
    const text = `${result.error ?? ""}\n${result.output}`;
    expect(text).toMatch(pattern);
    expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(text).not.toContain(emulator.credentials.privateKey);
    expect(text).not.toMatch(/PRIVATE KEY/);
  }

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 1024 });
    proxy = await startFrontProxy(emulator.baseUrl);
    const projectId = await emulator.control.createProject();
    const customerProjectId = await emulator.control.createProject();
    await emulator.control.createUser(projectId, "svc-refresh", "MANAGED");
    stack = EngineStack.create({
      program: "scripts/programs/mixed/index.ts",
      projectName: `refresh-failures-${route.name}`,
      route,
      config: {
        projectId: { value: projectId },
        usernames: { value: JSON.stringify(["svc-refresh"]) },
        customerProjectId: { value: customerProjectId },
        cas: { value: root.certificatePem },
        [route.settings.baseUrl]: { value: proxy.baseUrl },
        [route.settings.publicKey]: { value: emulator.credentials.publicKey, secret: true },
        [route.settings.privateKey]: { value: emulator.credentials.privateKey, secret: true },
      },
    });
    const up = await stack.up();
    if (!up.ok) throw new Error(`up failed: ${up.error}`);
    baseline = await exported();
    expect(JSON.parse(baseline)).toHaveLength(2);
    expect(baseline).toContain("PRIVATE KEY"); // the certificate's key, which Atlas never returns again
  });
  afterAll(async () => {
    stack.dispose();
    await proxy.close();
    await emulator.close();
  });
  afterEach(async () => {
    proxy.forwardAll();
    await emulator.control.clearFaults();
  });

  const faults: Array<[string, FaultRule, RegExp]> = [
    [
      "an Atlas 404 whose errorCode is not a _NOT_FOUND one",
      { method: "GET", status: 404, errorCode: "INVALID_GROUP_ID", everyNth: 1 },
      /failed: 404 INVALID_GROUP_ID/,
    ],
    [
      "503s that outlast the retries",
      { method: "GET", status: 503, everyNth: 1 },
      /failed: 503 SERVICE_UNAVAILABLE.*\[6 attempts\]/,
    ],
    ["reset connections", { method: "GET", drop: "before", everyNth: 1 }, /failed: network error.*\[6 attempts\]/],
  ];

  it.each(faults)("a refresh meeting %s fails and keeps both resources unchanged", async (_what, rule, message) => {
    await emulator.control.injectFaults([rule]);
    const refresh = await stack.refresh();
    expectCleanFailure(refresh, message);
    expect(await exported()).toBe(baseline);
  });

  const proxyAnswers: Array<[string, string, ProxyAnswer, RegExp]> = [
    ["a proxy's 404 page", "/groups/", NON_ATLAS_404["an HTML page"], /failed: 404/],
    ["a 404 with another server's JSON", "/groups/", NON_ATLAS_404["JSON of another server"], /failed: 404/],
    ["an empty 200 for userSecurity", "/userSecurity", { status: 200, body: "" }, /no customerX509 section/],
  ];

  it.each(proxyAnswers)(
    "a refresh meeting %s fails and keeps both resources unchanged",
    async (_what, path, answer, message) => {
      proxy.answer(path, answer);
      const refresh = await stack.refresh();
      expectCleanFailure(refresh, message);
      expect(proxy.intercepted).toBeGreaterThan(0);
      expect(await exported()).toBe(baseline);
    },
  );

  it("a refresh meeting timeouts on every attempt fails and keeps both resources unchanged", async () => {
    // The short timeout holds for this case only: a certificate's POST, which is never retried, keeps the default.
    // An `up` applies the setting (the plugin route's provider takes its settings from the state on refresh).
    const timeout = route.settings.requestTimeoutSeconds;
    stack.config[timeout] = { value: "1" };
    await emulator.control.resetRequests();
    expect((await stack.up()).error).toBeUndefined();
    expect((await emulator.control.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    // Each answer comes a whole second after the client gave up on it.
    await emulator.control.injectFaults([{ method: "GET", delayMs: 2000, everyNth: 1 }]);
    const refresh = await stack.refresh();
    expectCleanFailure(refresh, /failed: timed out.*\[6 attempts\]/);
    expect(await exported()).toBe(baseline);

    await emulator.control.clearFaults();
    stack.config[timeout] = { value: "30" };
    expect((await stack.up()).error).toBeUndefined();
  });

  it("with Atlas answering again, a refresh finds nothing changed", async () => {
    const refresh = await stack.refresh();
    expect(refresh.error).toBeUndefined();
    expect(await exported()).toBe(baseline);
    expect((await stack.preview({ expectNoChanges: true })).error).toBeUndefined();
  });

  it("only Atlas saying the projects do not exist (404 GROUP_NOT_FOUND) makes a refresh drop them", async () => {
    await emulator.control.injectFaults([{ method: "GET", status: 404, errorCode: "GROUP_NOT_FOUND", everyNth: 1 }]);
    const refresh = await stack.refresh();
    expect(refresh.error).toBeUndefined();
    expect(refresh.changeSummary).toMatchObject({ delete: 2 });
    expect(JSON.parse(await exported())).toEqual([]);
  });
});
