// A Python program's virtualenv as its user makes one: `python3 -m venv venv` in the project folder, then
// `pip install -r requirements.txt` (the `pulumi` package from PyPI) and `pip install <sdk/python>`, the generated SDK
// this repository ships but no registry serves yet. pip keeps its downloads in .work/pip-cache, so later runs fetch
// nothing again.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../scripts/lib/repo-root";
import type { UserProject } from "../../scripts/lib/user-project";

const run = promisify(execFile);
const PIP_TIMEOUT_MS = 300_000;

export interface Virtualenv {
  /** The virtualenv's folder, inside the project. */
  dir: string;
  /** The environment of a shell after `source venv/bin/activate`: the project's PATH behind the virtualenv's bin. */
  activated: Record<string, string>;
  /** `pip list` of the virtualenv: the installed distributions by name. */
  installed: Record<string, string>;
}

/**
 * Creates `venv` in the project and installs its requirements.txt and this checkout's sdk/python into it. The SDK is
 * copied next to the project first: pip builds a local folder in place, and the checkout's stays untouched.
 */
export async function createVirtualenv(project: UserProject): Promise<Virtualenv> {
  const dir = path.join(project.dir, "venv");
  const sdkCopy = path.join(project.root, "sdk-python");
  fs.cpSync(path.join(repoRoot, "sdk", "python"), sdkCopy, { recursive: true });
  const env = {
    ...process.env,
    PIP_CACHE_DIR: path.join(repoRoot, ".work", "pip-cache"),
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
  };
  const pip = path.join(dir, "bin", "pip");
  const options = { cwd: project.dir, env, timeout: PIP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 };
  await run("python3", ["-m", "venv", "venv"], options);
  await run(pip, ["install", "--quiet", "-r", "requirements.txt"], options);
  await run(pip, ["install", "--quiet", sdkCopy], options);
  const listed = await run(pip, ["list", "--format", "json"], options);
  const installed = Object.fromEntries(
    (JSON.parse(listed.stdout) as { name: string; version: string }[]).map((d) => [d.name, d.version]),
  );
  const activated = {
    PATH: [path.join(dir, "bin"), project.env().PATH].join(path.delimiter),
    VIRTUAL_ENV: dir,
  };
  return { dir, activated, installed };
}
