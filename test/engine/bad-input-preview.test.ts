// A sample of the bad-input corpus (test/against-emulator/bad-input.test.ts) through the real engine's
// `pulumi preview`, on both routes: each fails before any Atlas request, names its fields as the engine prints them, shows no stack
// trace and echoes no secret.
import { type Emulator } from "../../emulator";
import { EngineStack } from "../../scripts/lib/engine";
import { routes } from "../../scripts/lib/routes";
import {
  API_PRIVATE_KEY,
  bareKeyBody,
  chain,
  leakedSecrets,
  leaf,
  PROJECT_ID,
  PUBLIC_KEY,
  startBadInputEmulator,
  URL_PASSWORD,
} from "../support/bad-input";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startBadInputEmulator();
});
afterAll(() => emulator.close());

// The engine runs several operations per test; a busy machine takes minutes, not the default 60 s.
jest.setTimeout(300_000);

describe.each(routes)("a sample through the real engine's pulumi preview, on the $name route", (route) => {
  const stacks: EngineStack[] = [];
  afterAll(() => Promise.all(stacks.map((stack) => stack.disposeAsync())));

  /** A preview of a new stack (stack config can only be added to, so each sample gets its own). */
  async function failingPreview(config: Record<string, { value: string; secret?: boolean }>): Promise<string> {
    const stack = EngineStack.create({
      program: "scripts/programs/mixed/index.ts",
      projectName: `bad-input-${route.name}-${stacks.length}`,
      route,
      config: {
        usernames: { value: "[]" },
        [route.settings.baseUrl]: { value: emulator.baseUrl },
        [route.settings.privateKey]: { value: API_PRIVATE_KEY, secret: true },
        ...config,
      },
    });
    stacks.push(stack);
    await emulator.control.resetRequests();
    const preview = await stack.preview();
    expect(preview.ok).toBe(false);
    const text = `${preview.error ?? ""}\n${preview.output}`;
    expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(leakedSecrets(text)).toEqual([]);
    expect(await emulator.control.requests()).toEqual([]);
    return text;
  }
  const publicKey = { [route.settings.publicKey]: { value: PUBLIC_KEY, secret: true } };

  it("names the block of a CA bundle holding a private key, never the key", async () => {
    const text = await failingPreview({
      ...publicKey,
      customerProjectId: { value: PROJECT_ID },
      cas: { value: chain + leaf.privateKeyPem },
    });
    expect(text).toMatch(/property cas\[block 3\] value \{.*\} has a problem: is a private key/);
  });

  it("names cas[text] for key material pasted without PEM lines, never echoing the bundle", async () => {
    const text = await failingPreview({
      ...publicKey,
      customerProjectId: { value: PROJECT_ID },
      cas: { value: bareKeyBody },
    });
    expect(text).toMatch(/property cas\[text\] value \{.*\} has a problem: contains text outside PEM blocks/);
    expect(text).not.toMatch(/property cas value/);
  });

  it("reports a bad project id, months 2.5 and a fractional renewal window at once", async () => {
    const text = await failingPreview({
      ...publicKey,
      projectId: { value: "not-a-project" },
      usernames: { value: JSON.stringify(["app-service"]) },
      monthsUntilExpiration: { value: "2.5" },
      renewBeforeDays: { value: "1.5" },
    });
    expect(text).toMatch(/property projectId value \{not-a-project\} has a problem: must be an Atlas project id/);
    expect(text).toMatch(/property monthsUntilExpiration value \{2\.5\} has a problem: must be a whole number/);
    expect(text).toMatch(/property renewBeforeDays value \{1\.5\} has a problem: must be a whole number/);
  });

  it("names half-set credentials and a base URL with a password, echoing neither secret", async () => {
    const text = await failingPreview({
      projectId: { value: PROJECT_ID },
      usernames: { value: JSON.stringify(["app-service"]) },
      [route.settings.baseUrl]: { value: `https://admin:${URL_PASSWORD}@cloud.mongodb.com` },
    });
    const { publicKey, baseUrl } = route.settingProperties;
    expect(text).toMatch(new RegExp(`property ${publicKey} value \\{.*\\} has a problem: is not set`));
    // The plugin names a setting whose value holds a secret without the property, whose value the engine would print.
    expect(text).toMatch(new RegExp(`${baseUrl}( value \\{.*\\} has a problem:)? must not contain credentials`));
  });
});
