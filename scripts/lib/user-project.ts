// A Pulumi project as a user has one: a folder with Pulumi.yaml and the program (for Node.js: package.json,
// tsconfig.json and index.ts, with this package installed from its `npm pack` tarball, as from the registry), and
// the `pulumi` CLI run in it as a command. A project without package.json (Pulumi YAML, Go, Python, with the plugin
// from its release archive) gets no npm install, and no Node.js on its PATH. Nothing here goes through the
// Automation API: the CLI, the language hosts, ts-node and the plugins all run as they do on a user's machine,
// against a file backend in a temporary folder.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./repo-root";

const PACKAGE_NAME = "pulumi-atlas-x509";
const DEFAULT_TIMEOUT_MS = 240_000;

/** `npm pack` of this checkout (dist/ must be built), as the registry would serve it. Returns the tarball path. */
export function packThisPackage(destination: string): string {
  fs.mkdirSync(destination, { recursive: true });
  // --ignore-scripts: `prepare` would rebuild dist/ and relink the checkout; the caller has built it already.
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(out) as { filename: string }[];
  return path.join(destination, packed!.filename);
}

export interface UserProjectOptions {
  /** The folder to copy as the project (an example of this repository, or any user program). */
  source: string;
  /** This package as users get it: the tarball of `npm pack` (used when the project has a package.json). */
  tarball: string;
  /** Holds `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` (scripts/ensure-pulumi-cli). */
  pulumiBinDir: string;
  /** The folders of the tools the project's language runs (Go's, for a Go project), on PATH after the CLI's. */
  toolDirs?: string[];
  /** Where installed node_modules trees are kept between projects with the same dependencies. */
  installCache: string;
}

export interface CliRun {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** Written to the command's stdin (secret config values: they stay off the command line). */
  stdin?: string;
  timeoutMs?: number;
  /** Echo the command's output on this process's stderr as it comes (the demo). */
  stream?: boolean;
  /** Extra environment for this command (e.g. MONGODB_ATLAS_* credentials). */
  env?: Record<string, string>;
  /** Called once the CLI started; a test may kill its process group from here. */
  onStart?: (processGroup: number) => void;
}

export class UserProject {
  private constructor(
    /** Temporary folder holding the project and its backend; removed by dispose(). */
    readonly root: string,
    readonly dir: string,
    readonly backendDir: string,
    private readonly pulumiBinDir: string,
    /** Whether the project is an npm project, which runs on Node.js. */
    private readonly usesNode: boolean,
    private readonly toolDirs: readonly string[],
  ) {}

  static create(options: UserProjectOptions): UserProject {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `user-project-${path.basename(options.source)}-`));
    const dir = path.join(root, "project");
    fs.cpSync(options.source, dir, {
      recursive: true,
      filter: (src) => !["node_modules", "package-lock.json", "bin"].includes(path.basename(src)),
    });
    const usesNode = fs.existsSync(path.join(dir, "package.json"));
    if (usesNode) installThisPackage(dir, options);
    const backendDir = path.join(root, "backend");
    fs.mkdirSync(backendDir);
    return new UserProject(root, dir, backendDir, options.pulumiBinDir, usesNode, options.toolDirs ?? []);
  }

  /**
   * The environment of a user's shell: the CLI and the language's tools on PATH, a file backend, nothing of this
   * checkout.
   */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: this.path().join(path.delimiter),
      HOME: process.env.HOME ?? os.tmpdir(),
      TMPDIR: os.tmpdir(),
      PULUMI_HOME: path.join(this.root, ".pulumi-home"),
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "user-project-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      ...extra,
    };
  }

  /** The folders of the project's PATH: the CLI's, then the language's tools'. */
  path(): string[] {
    const nodeAndSystem = [path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"];
    return [this.pulumiBinDir, ...this.toolDirs, ...(this.usesNode ? nodeAndSystem : [])];
  }

  /** Runs `pulumi <args>` in the project folder and resolves when it ends, whatever its exit code. */
  pulumi(args: string[], options: RunOptions = {}): Promise<CliRun> {
    return runCommand("pulumi", args, this.dir, this.env(options.env), options);
  }

  /** Like pulumi(), but a non-zero exit is an error carrying what the CLI printed. */
  async pulumiOk(args: string[], options: RunOptions = {}): Promise<CliRun> {
    const run = await this.pulumi(args, options);
    if (run.code !== 0) {
      throw new Error(`${run.command} failed (${run.signal ?? `exit ${run.code}`}):\n${run.stdout}\n${run.stderr}`);
    }
    return run;
  }

  /** `pulumi config set [--secret] key` with the value on stdin, never on the command line. */
  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    await this.pulumiOk(["config", "set", ...(options.secret ? ["--secret"] : []), key], { stdin: value });
  }

  /** `pulumi stack export` as a user runs it: secrets stay encrypted. */
  async exportState(): Promise<Deployment> {
    const run = await this.pulumiOk(["stack", "export"]);
    return (JSON.parse(run.stdout) as { deployment: Deployment }).deployment;
  }

  /** Every byte the file backend holds (state, history, backups), for secret scans. */
  backendContents(): string {
    return readTree(this.backendDir);
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export interface Deployment {
  resources?: {
    urn: string;
    type: string;
    id?: string;
    /** The URN and id of the provider resource that manages it (`urn::id`). */
    provider?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    /** Set by `pulumi import` and by the `protect` option. */
    protect?: boolean;
  }[];
  pending_operations?: { type: string; resource: { urn: string; type: string; id?: string } }[];
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The package.json of the project, its dependency on this package pointed at the tarball; then npm install. */
function installThisPackage(dir: string, options: UserProjectOptions): void {
  const manifestPath = path.join(dir, "package.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as Manifest;
  if (!manifest.dependencies?.[PACKAGE_NAME]) throw new Error(`${options.source}/package.json lacks ${PACKAGE_NAME}`);
  // The dependency a user has on the registry release, pointed at this checkout's tarball instead; the
  // Pulumi SDK at the version this checkout is tested with.
  manifest.dependencies[PACKAGE_NAME] = `file:${options.tarball}`;
  manifest.dependencies["@pulumi/pulumi"] = checkoutPulumiVersion();
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  installDependencies(dir, manifest, options);
}

function checkoutPulumiVersion(): string {
  return (
    JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}

/**
 * `npm install` in the project. Projects with the same dependencies (the same tarball bytes included) share one
 * install: the first is a real `npm install`, later ones get hard links of its node_modules, which Node.js and
 * Pulumi's closure serializer cannot tell apart from a fresh install.
 */
function installDependencies(dir: string, manifest: Manifest, options: UserProjectOptions): void {
  const key = createHash("sha256")
    .update(JSON.stringify([manifest.dependencies, manifest.devDependencies]))
    .update(fs.readFileSync(options.tarball))
    .digest("hex")
    .slice(0, 16);
  const cached = path.join(options.installCache, key);
  if (!fs.existsSync(path.join(cached, "node_modules"))) {
    fs.mkdirSync(options.installCache, { recursive: true });
    const staging = fs.mkdtempSync(path.join(options.installCache, `${key}-`));
    fs.copyFileSync(path.join(dir, "package.json"), path.join(staging, "package.json"));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
      cwd: staging,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    try {
      fs.renameSync(staging, cached);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another worker finished the same install first
    }
  }
  execFileSync("cp", ["-al", path.join(cached, "node_modules"), path.join(dir, "node_modules")]);
  fs.copyFileSync(path.join(cached, "package-lock.json"), path.join(dir, "package-lock.json"));
}

function runCommand(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: RunOptions,
): Promise<CliRun> {
  const started = performance.now();
  const shown = `${command} ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    // A process group of its own, so a timeout (or a test) can kill the CLI with every plugin it started.
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.stream) process.stderr.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      if (options.stream) process.stderr.write(chunk);
    });
    child.stdin.end(options.stdin ?? "");
    const timer = setTimeout(() => killGroup(child.pid), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("spawn", () => options.onStart?.(child.pid!));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        command: shown,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        ms: performance.now() - started,
      });
    });
  });
}

/** SIGKILL to a whole process group: the CLI, its language host, the program and the provider plugins. */
export function killGroup(processGroup: number | undefined): void {
  if (processGroup === undefined) return;
  try {
    process.kill(-processGroup, "SIGKILL");
  } catch {
    // already gone
  }
}

function readTree(dir: string): string {
  const parts: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) parts.push(readTree(full));
    else parts.push(fs.readFileSync(full, "latin1"));
  }
  return parts.join("\n");
}
