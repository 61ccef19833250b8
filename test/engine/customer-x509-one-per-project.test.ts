// One CustomerX509Config per project, through the real Pulumi CLI and engine against the emulator, on both routes:
// two configs for one project are refused at preview (and up), naming both resources and the project, before any
// call to Atlas; configs for different projects, a rename, a move to another project and a forced same-project
// replacement (`pulumi state taint`) all go through, and the project keeps its bundle (the old resource's delete
// never disables the successor's bundle).
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { EngineStack, emulatorConfig } from "../../scripts/lib/engine";
import { pulumiBinDir } from "../../scripts/lib/pulumi-cli";
import { makeCertificate } from "../../scripts/lib/pki";
import { routes } from "../../scripts/lib/routes";
import { resourcesOfType } from "../support/state";

const DELETE = "DELETE /groups/{groupId}/userSecurity/customerX509";
const root = makeCertificate({ commonName: "Corp Root CA" });
const renewed = makeCertificate({ commonName: "Corp Root CA 2" });

jest.setTimeout(300_000);

describe.each(routes)("on the $name route", (route) => {
  const TYPE = route.types.CustomerX509Config;
  const PROJECT = `one-bundle-per-project-${route.name}`;

  let emulator: Emulator;
  let stack: EngineStack;
  let projectA: string;
  let projectB: string;
  let projectC: string;

  async function storedCas(projectId: string): Promise<string> {
    return (await emulator.control.userSecurity(projectId)).customerX509?.cas ?? "";
  }

  function declare(bundles: Array<[string, string]>, extra: Record<string, string> = {}): void {
    stack.config.bundles = { value: JSON.stringify(bundles.map(([name, projectId]) => ({ name, projectId }))) };
    for (const [key, value] of Object.entries(extra)) stack.config[key] = { value };
  }

  /** `pulumi state taint`: the next `pulumi up` replaces the resource, whatever its diff says. */
  function taint(name: string): void {
    execFileSync(
      path.join(pulumiBinDir(), "pulumi"),
      [
        "state",
        "taint",
        "--yes",
        "--stack",
        `organization/${PROJECT}/test`,
        `urn:pulumi:test::${PROJECT}::${TYPE}::${name}`,
      ],
      {
        cwd: stack.workDir,
        stdio: "pipe",
        env: {
          PATH: `${pulumiBinDir()}${path.delimiter}/usr/bin${path.delimiter}/bin`,
          HOME: process.env.HOME,
          PULUMI_BACKEND_URL: `file://${stack.backendDir}`,
          PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_HOME: path.join(stack.backendDir, ".pulumi-home"),
        },
      },
    );
  }

  function stateNames(deployment: unknown): Record<string, string> {
    return Object.fromEntries(
      resourcesOfType(deployment, TYPE).map((r) => [r.urn.split("::").pop()!, r.outputs.projectId as string]),
    );
  }

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 1024 });
    projectA = await emulator.control.createProject();
    projectB = await emulator.control.createProject();
    projectC = await emulator.control.createProject();
    stack = EngineStack.create({
      program: "scripts/programs/bundles/index.ts",
      projectName: PROJECT,
      route,
      config: {
        cas: { value: root.certificatePem },
        ...emulatorConfig(emulator, route),
      },
    });
  });
  afterAll(async () => {
    stack.dispose();
    await emulator.close();
  });

  it("refuses two CustomerX509Config for one project at preview, naming both, before calling Atlas; and at up", async () => {
    declare([
      ["corp-pki", projectA],
      ["team-pki", projectA],
    ]);
    await emulator.control.resetRequests();
    const preview = await stack.preview();
    expect(preview.ok).toBe(false);
    const text = `${preview.error}\n${preview.output}`;
    expect(text).toMatch(/CustomerX509Config "(corp|team)-pki" and CustomerX509Config "(corp|team)-pki" both manage/);
    expect(text).toContain('"corp-pki"');
    expect(text).toContain('"team-pki"');
    expect(text).toContain(`project ${projectA}`);
    expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);

    expect(await emulator.control.requests()).toEqual([]);
    expect(await storedCas(projectA)).toBe("");

    // `up --skip-preview` (as the Automation API runs it): the second one checked is refused; the first may be
    // created meanwhile, so at most one of them holds the project.
    const up = await stack.up();
    expect(up.ok).toBe(false);
    expect(`${up.error}\n${up.output}`).toMatch(/CustomerX509Config "(corp|team)-pki" and CustomerX509Config/);
    expect(Object.keys(stateNames(up.deployment)).length).toBeLessThanOrEqual(1);
  });

  it("accepts CustomerX509Config for two different projects", async () => {
    declare([
      ["corp-pki", projectA],
      ["team-pki", projectB],
    ]);
    expect((await stack.preview()).error).toBeUndefined();
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(stateNames(up.deployment)).toEqual({ "corp-pki": projectA, "team-pki": projectB });
    expect(await storedCas(projectA)).toBe(root.certificatePem);
    expect(await storedCas(projectB)).toBe(root.certificatePem);
    // The name that check() reads never reaches the state.
    for (const resource of resourcesOfType(up.deployment, TYPE)) {
      expect(Object.keys(resource.inputs)).not.toContain("__resourceName");
      expect(Object.keys(resource.outputs)).not.toContain("__resourceName");
    }
    expect((await stack.preview({ expectNoChanges: true })).error).toBeUndefined();
  });

  it("renames a config of one project: the bundle stays enabled, no DELETE reaches Atlas", async () => {
    declare([
      ["corp-pki-renamed", projectA],
      ["team-pki", projectB],
    ]);
    await emulator.control.resetRequests();
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(up.changeSummary).toMatchObject({ create: 1, delete: 1 });
    expect(up.output).toContain('CustomerX509Config "corp-pki-renamed" of this stack now manages it');
    expect(stateNames(up.deployment)).toEqual({ "corp-pki-renamed": projectA, "team-pki": projectB });
    expect((await emulator.control.counts())[DELETE]).toBeUndefined();
    expect(await storedCas(projectA)).toBe(root.certificatePem);
  });

  it("moves one config to another project while a new one takes its old project: both keep their bundle", async () => {
    declare([
      ["corp-pki-renamed", projectC],
      ["team-pki", projectB],
      ["newcomer-pki", projectA],
    ]);
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(stateNames(up.deployment)).toEqual({
      "corp-pki-renamed": projectC,
      "team-pki": projectB,
      "newcomer-pki": projectA,
    });
    expect(await storedCas(projectA)).toBe(root.certificatePem);
    expect(await storedCas(projectC)).toBe(root.certificatePem);
  });

  it("replaces a config in its own project (tainted) without disabling the new bundle", async () => {
    declare([["team-pki", projectB]], { cas: renewed.certificatePem });
    taint("team-pki");
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(up.changeSummary).toMatchObject({ replace: 1, delete: 2 });
    expect(up.output).toContain('CustomerX509Config "team-pki" of this stack now manages it');
    expect(await storedCas(projectB)).toBe(renewed.certificatePem);
    // Removed from the program: the deletes disable customer X.509 as before.
    expect(await storedCas(projectA)).toBe("");
    expect(await storedCas(projectC)).toBe("");
  });

  it("disables the bundle on destroy", async () => {
    await emulator.control.resetRequests();
    const destroy = await stack.destroy();
    expect(destroy.error).toBeUndefined();
    expect(await emulator.control.counts()).toEqual({ [DELETE]: 1 });
    expect(await storedCas(projectB)).toBe("");
  });
});
