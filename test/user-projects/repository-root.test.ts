// `pulumi up` in the repository root, as the README promises: the root Pulumi.yaml runs examples/managed-certs,
// whose package.json makes index.ts the program, with this checkout as the installed package (`npm ci` linked it).
// The stack's config lives in a temporary file and its state in a temporary backend, so the checkout stays clean.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type Emulator } from "../../emulator";
import { repoRoot } from "../../scripts/lib/repo-root";
import { MANAGED_CERTIFICATE } from "../support/user-projects";
import { opensslCheck } from "../support/x509-checks";

jest.setTimeout(300_000);

const run = promisify(execFile);
const services = ["orders-api", "billing-worker"];

describe("`pulumi up` in the repository root", () => {
  let emulator: Emulator;
  let scratch: string;
  const stack = `root-test-${process.pid}`;

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
    });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "repository-root-"));
  });
  afterAll(async () => {
    fs.rmSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), { force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
    await emulator?.close();
  });

  function pulumi(args: string[], stdin?: string) {
    const child = run("pulumi", [...args], {
      cwd: repoRoot,
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: [process.env.PULUMI_CLI_BIN_DIR!, path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
        HOME: process.env.HOME ?? scratch,
        PULUMI_HOME: path.join(scratch, "home"),
        PULUMI_BACKEND_URL: `file://${scratch}`,
        PULUMI_CONFIG_PASSPHRASE: "repository-root",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      },
    });
    child.child.stdin?.end(stdin ?? "");
    return child;
  }
  const configFile = () => ["--config-file", path.join(scratch, "stack.yaml")];

  it("deploys the managed-certs example's certificates, then destroys them", async () => {
    await pulumi(["stack", "init", stack]);
    await pulumi(["config", "set", ...configFile(), "projectId", emulator.projectId]);
    await pulumi(["config", "set", ...configFile(), "mongodbatlas:baseUrl", emulator.baseUrl]);
    await pulumi(
      ["config", "set", ...configFile(), "--secret", "mongodbatlas:publicKey"],
      emulator.credentials.publicKey,
    );
    await pulumi(
      ["config", "set", ...configFile(), "--secret", "mongodbatlas:privateKey"],
      emulator.credentials.privateKey,
    );

    const up = await pulumi(["up", "--yes", ...configFile()]);
    expect(up.stdout).toMatch(/\+ 3 created/);
    const exported = JSON.parse((await pulumi(["stack", "export"])).stdout) as {
      deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] };
    };
    const certificates = (exported.deployment.resources ?? []).filter((r) => r.type === MANAGED_CERTIFICATE);
    expect(certificates.map((r) => r.outputs?.username).sort()).toEqual([...services].sort());

    const clients = JSON.parse(
      (await pulumi(["stack", "output", "clients", "--json", "--show-secrets"])).stdout,
    ) as Record<string, { certificateKeyPem: string }>;
    const ca = await emulator.control.caCertificate(emulator.projectId);
    for (const name of services) {
      expect((await opensslCheck(ca, clients[name]!.certificateKeyPem)).verify).toBe("cert.pem: OK");
    }

    const destroy = await pulumi(["destroy", "--yes", ...configFile()]);
    expect(destroy.stdout).toMatch(/- 3 deleted/);
    await pulumi(["stack", "rm", "--yes", stack]);
  });
});
