// The emulator as users get it: the `atlas-x509-emulator` bin of the installed tarball, started by `npx` in a
// user's project, and the README's "Test your stack offline" script run word for word in such a project.
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { repoRoot } from "../../scripts/lib/repo-root";
import { killGroup, type UserProject } from "../../scripts/lib/user-project";
import { MANAGED_CERTIFICATE, resourcesOf, userProjectFrom } from "../support/user-projects";

jest.setTimeout(300_000);

describe("the atlas-x509-emulator bin installed from the tarball", () => {
  let project: UserProject;
  let emulatorGroup: number | undefined;

  beforeAll(() => {
    project = userProjectFrom("examples/managed-certs");
  });
  afterAll(() => {
    killGroup(emulatorGroup);
    project?.dispose();
  });

  it("starts with `npx atlas-x509-emulator --port 0 --user svc:MANAGED` and serves a `pulumi up` of the project", async () => {
    const child = spawn("npx", ["atlas-x509-emulator", "--port", "0", "--user", "svc:MANAGED"], {
      cwd: project.dir,
      env: project.env(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    emulatorGroup = child.pid;
    const banner = await new Promise<string>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`no banner within 60 s: ${text}`)), 60_000);
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (/^ATLAS_PROJECT_ID=.*\n/m.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      child.on("exit", (code) => reject(new Error(`emulator exited (${code}): ${text}`)));
    });
    const values = Object.fromEntries(
      banner
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).replace(/^'|'$/g, "")]),
    );
    expect(values.MONGODB_ATLAS_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await project.pulumiOk(["stack", "init", "dev"]);
    await project.setConfig("projectId", values.ATLAS_PROJECT_ID!);
    await project.pulumiOk(["config", "set", "--path", "services[0]", "svc"]);
    await project.setConfig("mongodbatlas:baseUrl", values.MONGODB_ATLAS_BASE_URL!);
    await project.setConfig("mongodbatlas:publicKey", values.MONGODB_ATLAS_PUBLIC_API_KEY!);
    await project.setConfig("mongodbatlas:privateKey", values.MONGODB_ATLAS_PRIVATE_API_KEY!, { secret: true });
    await project.pulumiOk(["up", "--yes"]);
    const [certificate] = resourcesOf(await project.exportState(), MANAGED_CERTIFICATE);
    expect(certificate?.outputs?.subject).toBe("CN=svc");
    // Issued as Atlas issues them: RSA 4096 unless told otherwise.
    const pem = String(certificate?.outputs?.certificatePem);
    expect(new X509Certificate(pem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    await project.pulumiOk(["destroy", "--yes"]);
  });
});

describe("the README's offline CI script", () => {
  let project: UserProject;

  beforeAll(() => {
    project = userProjectFrom("examples/managed-certs");
  });
  afterAll(() => project?.dispose());

  it("runs as written in a user's project: emulator up, preview, up, no-change preview, destroy, emulator down", async () => {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Test your stack offline"));
    const script = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
    expect(script).toBeDefined();
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn("bash", ["-c", script!], { cwd: project.dir, env: project.env(), detached: true });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => killGroup(child.pid), 240_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
    expect({ code: result.code, tail: result.code === 0 ? "" : result.output.slice(-3000) }).toEqual({
      code: 0,
      tail: "",
    });
    expect(result.output).toMatch(/\+ 3 created/);
    expect(result.output).toMatch(/- 3 deleted/);
    // The script's trap stopped the emulator: its port no longer answers.
    const env = fs.readFileSync(path.join(project.dir, "atlas.env"), "utf8");
    const port = Number(/MONGODB_ATLAS_BASE_URL=http:\/\/127\.0\.0\.1:(\d+)/.exec(env)?.[1]);
    expect(await acceptsConnections(port)).toBe(false);
  });
});

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
