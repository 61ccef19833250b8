// The emulator in a user's project that installed the tarball: `npx atlas-x509-emulator`, as one tries it first,
// and the "Test your stack offline" script of docs/offline-testing.md run word for word.
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { killGroup, type UserProject } from "../../scripts/lib/user-project";
import { codeBlocks, documentationPage } from "../support/documentation";
import { userProjectFrom } from "../support/user-projects";

const run = promisify(execFile);

jest.setTimeout(300_000);

// emulator-cli.test.ts runs the bin itself through preview, up, destroy and SIGTERM; this is the `npx` route.
describe("`npx atlas-x509-emulator` in a project that installed the tarball", () => {
  let project: UserProject;
  let emulatorGroup: number | undefined;

  beforeAll(() => {
    project = userProjectFrom("examples/managed-certs");
  });
  afterAll(() => {
    killGroup(emulatorGroup);
    project?.dispose();
  });

  it("prints its lines for `--port 0 --user svc:MANAGED` and answers the Atlas API with them", async () => {
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
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    expect(values.MONGODB_ATLAS_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The seeded user can list its (no) certificates with the printed API key, over real digest auth.
    const list = await run("curl", [
      "--silent",
      "--fail",
      "--digest",
      "--user",
      `${values.MONGODB_ATLAS_PUBLIC_API_KEY}:${values.MONGODB_ATLAS_PRIVATE_API_KEY}`,
      "--header",
      "Accept: application/vnd.atlas.2023-01-01+json",
      `${values.MONGODB_ATLAS_BASE_URL}/api/atlas/v2/groups/${values.ATLAS_PROJECT_ID}/databaseUsers/svc/certs`,
    ]);
    expect(JSON.parse(list.stdout)).toMatchObject({ results: [] });
  });
});

describe("the offline CI script of docs/offline-testing.md", () => {
  let project: UserProject;

  beforeAll(() => {
    project = userProjectFrom("examples/managed-certs");
  });
  afterAll(() => project?.dispose());

  it("runs as written in a user's project: emulator up, preview, up, no-change preview, destroy, emulator down", async () => {
    const [script] = codeBlocks(documentationPage("docs/offline-testing.md"), "bash");
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
