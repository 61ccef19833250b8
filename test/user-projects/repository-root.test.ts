// The README's two ways to run an example inside this checkout, after `npm ci` in the root: `pulumi up` in the
// repository root (the root Pulumi.yaml runs examples/managed-certs, whose package.json makes index.ts the
// program), and `npm install && pulumi up` in the example's folder (its "file:../.." dependency links the
// checkout). Stack config goes to a temporary file and state to a temporary backend; whatever these commands
// leave in the checkout is removed afterwards.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type Emulator } from "../../emulator";
import { pulumiBinDir } from "../../scripts/lib/pulumi-cli";
import { repoRoot } from "../../scripts/lib/repo-root";
import { MANAGED_CERTIFICATE } from "../support/user-projects";
import { opensslCheck } from "../support/x509-checks";

jest.setTimeout(300_000);

const run = promisify(execFile);
const services = ["orders-api", "billing-worker"];
const exampleDir = path.join(repoRoot, "examples", "managed-certs");

describe("an example run inside the checkout", () => {
  let emulator: Emulator;
  let scratch: string;
  const stack = `checkout-test-${process.pid}`;

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
    });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "checkout-example-"));
  });
  afterAll(async () => {
    for (const dir of [repoRoot, exampleDir]) fs.rmSync(path.join(dir, `Pulumi.${stack}.yaml`), { force: true });
    for (const made of ["node_modules", "package-lock.json"]) {
      fs.rmSync(path.join(exampleDir, made), { recursive: true, force: true });
    }
    fs.rmSync(scratch, { recursive: true, force: true });
    await emulator?.close();
  });

  const env = () => ({
    PATH: [pulumiBinDir(), path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
    HOME: process.env.HOME ?? scratch,
    PULUMI_HOME: path.join(scratch, "home"),
    PULUMI_BACKEND_URL: `file://${scratch}`,
    PULUMI_CONFIG_PASSPHRASE: "checkout-example",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  });

  function inFolder(cwd: string, configFile: string) {
    const pulumi = (args: string[], stdin?: string) => {
      const child = run("pulumi", args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024, env: env() });
      child.child.stdin?.end(stdin ?? "");
      return child;
    };
    const config = ["--config-file", configFile];
    return {
      pulumi,
      /** stack init, the config a user sets, up; returns the up's output and the verified clients. */
      async deploy() {
        await pulumi(["stack", "init", stack]);
        await pulumi(["config", "set", ...config, "projectId", emulator.projectId]);
        await pulumi(["config", "set", ...config, "mongodbatlas:baseUrl", emulator.baseUrl]);
        await pulumi(
          ["config", "set", ...config, "--secret", "mongodbatlas:publicKey"],
          emulator.credentials.publicKey,
        );
        await pulumi(
          ["config", "set", ...config, "--secret", "mongodbatlas:privateKey"],
          emulator.credentials.privateKey,
        );
        const up = await pulumi(["up", "--yes", ...config]);
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
        const destroy = await pulumi(["destroy", "--yes", ...config]);
        expect(destroy.stdout).toMatch(/- 3 deleted/);
        await pulumi(["stack", "rm", "--yes", stack]);
      },
    };
  }

  it("`pulumi up` in the repository root deploys the managed-certs example's certificates", async () => {
    await inFolder(repoRoot, path.join(scratch, "root.yaml")).deploy();
  });

  it("after the root run, `npm install && pulumi up` in examples/managed-certs deploys them from there", async () => {
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
      cwd: exampleDir,
      timeout: 240_000,
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}` },
    });
    expect(fs.realpathSync(path.join(exampleDir, "node_modules", "pulumi-atlas-x509"))).toBe(fs.realpathSync(repoRoot));
    await inFolder(exampleDir, path.join(scratch, "example.yaml")).deploy();
  });
});
