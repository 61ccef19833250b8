// The emulator as a user runs it in CI (docs/offline-testing.md): the `atlas-x509-emulator` bin
// of this package, installed from its `npm pack` tarball into a user's project, started with flags in that
// folder; its printed lines go into the stack config, and the `pulumi` CLI previews, ups and destroys an example
// against it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as path from "node:path";
import { EmulatorControl } from "../../emulator";
import type { UserProject } from "../../scripts/lib/user-project";
import { certificateStructure } from "../support/certificate-structure";
import { MANAGED_CERTIFICATE, resourcesOf, userProjectFrom } from "../support/user-projects";

jest.setTimeout(300_000);

const SERVICES = ["orders-api", "billing-worker"];
let project: UserProject;
let emulator: ChildProcessWithoutNullStreams;
let exited: Promise<number | null>;
let printed: string;
let lines: Record<string, string>;

beforeAll(async () => {
  project = userProjectFrom("examples/managed-certs");
  // As a CI step starts it: the bin from node_modules/.bin, in the project folder, the user's environment.
  emulator = spawn(
    path.join(project.dir, "node_modules", ".bin", "atlas-x509-emulator"),
    ["--port", "0", ...SERVICES.flatMap((name) => ["--user", `${name}:MANAGED`])],
    { cwd: project.dir, env: project.env(), stdio: ["pipe", "pipe", "pipe"] },
  );
  exited = new Promise((resolve) => emulator.on("exit", (code) => resolve(code)));
  printed = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no lines after 30 s: ${out} ${err}`)), 30_000);
    emulator.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    emulator.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/^ATLAS_PROJECT_ID=.*\n/m.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    emulator.on("exit", (code) => reject(new Error(`the emulator exited (${code}): ${out} ${err}`)));
  });
  lines = Object.fromEntries(
    printed
      .trim()
      .split("\n")
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
});
afterAll(async () => {
  emulator?.kill("SIGKILL");
  project?.dispose();
});

it("prints the NAME=value lines once it listens", () => {
  expect(Object.keys(lines)).toEqual([
    "MONGODB_ATLAS_BASE_URL",
    "MONGODB_ATLAS_PUBLIC_API_KEY",
    "MONGODB_ATLAS_PRIVATE_API_KEY",
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
    "ATLAS_PROJECT_ID",
  ]);
  expect(lines.MONGODB_ATLAS_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(lines.ATLAS_PROJECT_ID).toMatch(/^[a-f0-9]{24}$/);
});

it("after the lines, `pulumi config set` of its values and `pulumi up` issue a certificate per --user (RSA 4096)", async () => {
  await project.pulumiOk(["stack", "init", "ci"]);
  await project.setConfig("mongodbatlas:baseUrl", lines.MONGODB_ATLAS_BASE_URL!);
  await project.setConfig("mongodbatlas:publicKey", lines.MONGODB_ATLAS_PUBLIC_API_KEY!);
  await project.setConfig("mongodbatlas:privateKey", lines.MONGODB_ATLAS_PRIVATE_API_KEY!, { secret: true });
  await project.setConfig("projectId", lines.ATLAS_PROJECT_ID!);
  await project.pulumiOk(["preview"]);
  const up = await project.pulumiOk(["up", "--yes"]);
  expect(up.stdout).toMatch(/\+ 3 created/);

  const control = new EmulatorControl(lines.MONGODB_ATLAS_BASE_URL!);
  for (const name of SERVICES) {
    expect(await control.issuedCertificates(lines.ATLAS_PROJECT_ID!, name)).toHaveLength(1);
  }
  const certificates = resourcesOf(await project.exportState(), MANAGED_CERTIFICATE);
  expect(certificates.map((r) => r.outputs?.username).sort()).toEqual([...SERVICES].sort());
  const output = await project.pulumiOk(["stack", "output", "clients", "--json", "--show-secrets"]);
  const clients = JSON.parse(output.stdout) as Record<string, { certificateKeyPem: string }>;
  for (const name of SERVICES) {
    expect(certificateStructure(clients[name]!.certificateKeyPem)).toMatchObject({
      subject: [{ type: "CN", tag: "PrintableString", value: name }],
      publicKey: { type: "rsa", bits: 4096 },
    });
  }
  await project.pulumiOk(["preview", "--expect-no-changes"]);
});

it("after up, `pulumi destroy` completes, and SIGTERM stops the emulator with exit status 0", async () => {
  const destroy = await project.pulumiOk(["destroy", "--yes"]);
  expect(destroy.stdout).toMatch(/- 3 deleted/);
  emulator.kill("SIGTERM");
  expect(await exited).toBe(0);
});
