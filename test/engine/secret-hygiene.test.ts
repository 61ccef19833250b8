// Secret hygiene, on both routes: stacks of both resources, one with the engine's most verbose logging (-v=9, --logtostderr,
// --logflow) through up, refresh, a failing up and destroy, one with a service account. The state files, the
// exported stacks, the stack config file, the engine output, every error message and the logs are searched for
// the certificates' private keys, the API private key and the client secret. Credentials are secret stack config
// only: the engine runs with no Atlas variable in its environment.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { EngineStack } from "../../scripts/lib/engine";
import { makeCertificate } from "../../scripts/lib/pki";
import { routes } from "../../scripts/lib/routes";
import { findPlainSecrets, resourcesOfType } from "../support/state";
import type { StackResult } from "../../scripts/lib/stack-cli";

const USERS = ["orders-api", "billing.worker"];
const root = makeCertificate({ commonName: "Hygiene Root CA" });
const second = makeCertificate({ commonName: "Hygiene Second CA" });

/**
 * Log records in which Pulumi itself prints properties verbatim, whatever the provider does. At -v=9 the engine logs
 * every RPC payload: the stack configuration it hands to a dynamic provider's Configure (secret values unwrapped,
 * since dynamic providers do not accept secrets) and the outputs the provider returns (the engine applies
 * additionalSecretOutputs only afterwards). From -v=3 on, the Node.js SDK's debug record of each RegisterResource
 * answer holds the resource's outputs, secret ones included. Pulumi's logging documentation warns that verbose logs
 * can hold sensitive values. Secrets may appear in these records and in nothing else.
 */
const PULUMI_PROPERTY_DUMPS = [
  /^(Unmarshaling|Marshaling) property for RPC\[/,
  /^(eventSink::Debug\(<\{%reset%\}>)?Register(Resource|ResourceOutputs) RPC finished: /,
];

// The engine runs several operations per test; a busy machine takes minutes, not the default 60 s.
jest.setTimeout(300_000);

describe.each(routes)("on the $name route", (route) => {
  const MANAGED = route.types.ManagedX509Certificate;

  let emulator: Emulator;
  const stacks: EngineStack[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 1024,
      seedUsers: USERS.map((username) => ({ username, x509Type: "MANAGED" as const })),
    });
  });
  afterAll(async () => {
    await Promise.all(stacks.map((stack) => stack.disposeAsync()));
    await emulator.close();
  });

  function newStack(name: string, credentials: Record<string, string>, customerProjectId: string): EngineStack {
    const stack = EngineStack.create({
      program: "scripts/programs/mixed/index.ts",
      projectName: `hygiene-${name}-${route.name}`,
      route,
      config: {
        projectId: { value: emulator.projectId },
        usernames: { value: JSON.stringify(USERS) },
        customerProjectId: { value: customerProjectId },
        cas: { value: root.certificatePem },
        [route.settings.baseUrl]: { value: emulator.baseUrl },
        ...Object.fromEntries(Object.entries(credentials).map(([key, value]) => [key, { value, secret: true }])),
      },
    });
    stacks.push(stack);
    return stack;
  }

  /** Key lines of every private key a stack output holds (the body lines, which identify a key). */
  function keyLines(result: StackResult): string[] {
    const pems = (result.outputs?.privateKeyPems?.value ?? []) as string[];
    return pems.flatMap((pem) => pem.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----")));
  }

  /** Where each needle occurs in a text: in one of Pulumi's property-dump log records, or anywhere else. */
  function classifyHits(text: string, needles: readonly string[]): { dumps: number; elsewhere: string[] } {
    let dumps = 0;
    const elsewhere: string[] = [];
    for (const line of text.split("\n")) {
      const hits = findPlainSecrets(line, needles);
      if (hits.length === 0) continue;
      const start = line.indexOf('{"time":');
      let message: string | undefined;
      try {
        message = start >= 0 ? (JSON.parse(line.slice(start)) as { msg?: string }).msg : undefined;
      } catch {
        message = undefined;
      }
      if (message !== undefined && PULUMI_PROPERTY_DUMPS.some((pattern) => pattern.test(message))) dumps++;
      else elsewhere.push(line.slice(0, 300));
    }
    return { dumps, elsewhere };
  }

  function ok(result: StackResult): StackResult {
    if (!result.ok) throw new Error(`operation failed:\n${result.error?.slice(0, 3000)}`);
    return result;
  }

  /** A failing up: a new certificate's answer is lost after Atlas issued it, and Atlas refuses the new bundle with an
   * error whose detail quotes a private key and the API key, neither of which may pass through. */
  async function failingUp(stack: EngineStack, quotedKey: string, verbose: { logVerbosity?: number }) {
    stack.config.certificatesPerUser = { value: "2" };
    stack.config.cas = { value: root.certificatePem + second.certificatePem };
    await emulator.control.injectFaults([
      { method: "POST", pathIncludes: "/certs", times: 1, drop: "after" },
      {
        method: "PATCH",
        pathIncludes: "/userSecurity",
        times: 1,
        status: 400,
        errorCode: "INVALID_ATTRIBUTE",
        detail: `Invalid cas ${quotedKey} for key ${emulator.credentials.privateKey}`,
      },
    ]);
    const failed = await stack.up({ ...verbose, continueOnError: true });
    await emulator.control.clearFaults();
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/certs failed: network error .*its private key never arrived/);
    expect(failed.error).toMatch(
      /userSecurity failed: 400 INVALID_ATTRIBUTE: Invalid cas \[REDACTED PEM\] for key \[REDACTED\]/,
    );
    return failed;
  }

  /** What the backend, the stack's config file and each operation's exported state hold. */
  function persisted(stack: EngineStack, results: StackResult[]): string {
    const configFile = fs.readFileSync(path.join(stack.workDir, "Pulumi.test.yaml"), "utf8");
    const { privateKey, clientSecret } = route.settings;
    expect(configFile).toMatch(new RegExp(`(${privateKey}|${clientSecret}):\\s+secure:`));
    return [stack.backendContents(), configFile, ...results.map((r) => JSON.stringify(r.deployment ?? null))].join(
      "\n",
    );
  }

  it("keeps keys and credentials out of state, exports, output and errors (API key as secret config only)", async () => {
    const customerProjectId = await emulator.control.createProject();
    const stack = newStack(
      "api-key",
      {
        [route.settings.publicKey]: emulator.credentials.publicKey,
        [route.settings.privateKey]: emulator.credentials.privateKey,
      },
      customerProjectId,
    );
    const first = ok(await stack.up());
    const failed = await failingUp(stack, (first.outputs!.privateKeyPems.value as string[])[0], {});
    const recovered = ok(await stack.up());
    const refresh = ok(await stack.refresh({ expectNoChanges: true }));
    const results = [first, failed, recovered, refresh];
    const state = persisted(stack, results);
    results.push(ok(await stack.destroy()));

    const needles = [
      emulator.credentials.privateKey,
      emulator.credentials.clientSecret,
      ...keyLines(first),
      ...keyLines(recovered),
    ];
    expect(needles.length).toBeGreaterThan(4 * 10);
    const everything = [state, ...results.flatMap((r) => [r.output, r.error ?? ""])].join("\n");
    expect(findPlainSecrets(everything, needles)).toEqual([]);
    expect(everything).not.toContain("PRIVATE KEY-----");
    for (const resource of resourcesOfType(recovered.deployment, MANAGED)) {
      expect(resource.outputs.privateKeyPem).toHaveProperty("ciphertext");
      expect(resource.outputs).not.toHaveProperty("certificateKeyPem"); // derived in the program, not stored
    }
  });

  it("at -v=9 with --logflow, secrets reach the logs only through Pulumi's own property dumps (service account)", async () => {
    const customerProjectId = await emulator.control.createProject();
    const stack = newStack(
      "verbose",
      {
        [route.settings.clientId]: emulator.credentials.clientId,
        [route.settings.clientSecret]: emulator.credentials.clientSecret,
      },
      customerProjectId,
    );
    const verbose = { logVerbosity: 9 };
    await emulator.control.resetRequests();
    const first = ok(await stack.up(verbose));
    const refresh = ok(await stack.refresh(verbose));
    const failed = await failingUp(stack, (first.outputs!.privateKeyPems.value as string[])[0], verbose);
    const destroy = ok(await stack.destroy(verbose));
    const results = [first, refresh, failed, destroy];
    // The service account was used, and only from stack config: the token endpoint, then Bearer requests.
    const log = await emulator.control.requests();
    expect(log.some((r) => r.path === "/api/oauth/token" && r.status === 200)).toBe(true);
    expect(log.filter((r) => r.method === "POST" && r.path.endsWith("/certs") && r.status === 201).length).toBe(3);

    const credentials = [emulator.credentials.clientSecret, emulator.credentials.privateKey];
    const keys = keyLines(first);
    const logs = results.map((r) => `${r.stderr ?? ""}\n${r.error ?? ""}`).join("\n");
    expect(logs.split("\n").length).toBeGreaterThan(1000);
    // Nothing in what is kept or shown ...
    const shown = [persisted(stack, results), ...results.map((r) => r.output)].join("\n");
    expect(findPlainSecrets(shown, [...credentials, ...keys])).toEqual([]);
    // ... no Authorization header and no token anywhere, the logs included ...
    expect(`${shown}\n${logs}`).not.toMatch(/Bearer\s+[\w.-]{20,}|Digest\s+username=|access_token/);
    // ... and in the logs, keys and the client secret only inside Pulumi's property dumps.
    const hits = classifyHits(logs, [...credentials, ...keys]);
    expect(hits.elsewhere).toEqual([]);
    expect(hits.dumps).toBeGreaterThan(0);
  });
});
