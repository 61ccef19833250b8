// `npm run demo`, what a newcomer runs first: scripts/demo.ts copies examples/managed-certs into a user's project
// folder, installs this package there from its `npm pack` tarball, and runs the `pulumi` CLI itself against the
// bundled emulator (it starts its own) through every step of a certificate's life.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";
import { repoRoot } from "../../scripts/lib/repo-root";

const run = promisify(execFile);

describe("npm run demo", () => {
  it("runs every step against the bundled emulator and ends with a clean state", async () => {
    const { stdout } = await run(process.execPath, [path.join(repoRoot, "dist", "scripts", "demo.js")], {
      cwd: repoRoot,
      timeout: 300_000,
      maxBuffer: 32 * 1024 * 1024,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    const headings = stdout.split("\n").filter((line) => line.includes("==> "));
    expect(headings.map((h) => stripVTControlCharacters(h).replace(/^==> /, "").split(":")[0])).toEqual([
      "Pulumi CLI",
      "Your project",
      "Starting the Atlas emulator on loopback (RSA 4096 keys, as Atlas issues)",
      "pulumi stack init demo; pulumi config set (the API key pair as secrets)",
      "Setting the emulator's clock 80 days back",
      "pulumi preview",
      "pulumi up",
      "Back to today",
      "pulumi preview",
      "pulumi up",
      "pulumi preview --expect-no-changes",
      "Out of band",
      "pulumi refresh",
      "pulumi up",
      "pulumi refresh --expect-no-changes",
      "pulumi destroy",
      "Done",
    ]);
    expect(stdout).toContain("Done: neither pulumi stack export nor the backend's files hold the API key");
  }, 320_000);
});
