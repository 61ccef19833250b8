// The jest side of the real-engine harness: each operation runs the real Pulumi CLI in a child process
// (see stack-cli.ts) against a file backend in a temporary directory, with no network beyond loopback.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageName as pluginPackage } from "../../provider/plugin/resource-types";
import { createUserProject, type UserProject } from "./installed-package";
import { pulumiBinDir } from "./pulumi-cli";
import { repoRoot } from "./repo-root";
import { dynamicRoute, type Route } from "./routes";
import type { Emulator } from "../../emulator";
import type { StackOperation, StackRequest, StackResult } from "./stack-cli";

export { repoRoot };
const distRoot = path.join(repoRoot, "dist");
const operationTimeoutMs = 180_000;

export interface EngineStackOptions {
  /** Source path of the program, relative to the repo root (e.g. "scripts/programs/smoke/index.ts"). */
  program: string;
  /** A compiled program to use instead of `program`'s output in dist/ (e.g. a README sample). */
  compiledProgram?: string;
  projectName: string;
  stackName?: string;
  config?: Record<string, { value: string; secret?: boolean }>;
  env?: Record<string, string>;
  /**
   * How the program reaches the resources (default: the dynamic route). On the plugin route, the project's Pulumi.yaml
   * names this package's provider plugin in node_modules/.bin, as a user's project on that route does (otherwise the
   * Automation API's default project, which names no plugin), and the stack config `route: plugin` makes the
   * program import `pulumi-atlas-x509/plugin`.
   */
  route?: Route;
}

export interface OperationOptions {
  expectNoChanges?: boolean;
  refresh?: boolean;
  /** Show the engine's output live on this process's stderr. */
  stream?: boolean;
  /** preview/up `--diff`: list each resource's changed properties, replacement reasons included. */
  diff?: boolean;
  /** false: no `pulumi stack export` after the operation (result.deployment stays unset). Default true. */
  exportState?: boolean;
  /** Verbose engine logging at this level, to stderr and flowed to plugins; the text is in `result.stderr`. */
  logVerbosity?: number;
  /** `up --continue-on-error`: every resource is attempted, whatever fails. */
  continueOnError?: boolean;
  /** `import`: the deployment to import. */
  deployment?: unknown;
  /** The export after the operation shows secrets in plaintext. */
  showSecrets?: boolean;
}

export class EngineStack {
  private constructor(
    private readonly options: EngineStackOptions,
    private readonly project: UserProject,
    readonly backendDir: string,
    readonly config: Record<string, { value: string; secret?: boolean }>,
  ) {}

  static create(options: EngineStackOptions): EngineStack {
    const project = createUserProject(
      options.projectName,
      options.compiledProgram ?? compiledPath(options.program),
      compiledPath("scripts/lib/stack-cli.ts"),
    );
    const plugin = options.route?.name === "plugin";
    if (plugin) writePluginProjectFile(project, options.projectName);
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-backend-"));
    const config = { ...options.config, ...(plugin && { route: { value: "plugin" } }) };
    return new EngineStack(options, project, backendDir, config);
  }

  get workDir(): string {
    return this.project.projectDir;
  }

  /** The project's node_modules/.bin: this package's executables, the provider plugin's launcher among them. */
  get binDir(): string {
    return this.project.binDir;
  }

  preview(opts: OperationOptions = {}) {
    return this.run("preview", opts);
  }
  up(opts: OperationOptions = {}) {
    return this.run("up", opts);
  }
  refresh(opts: OperationOptions = {}) {
    return this.run("refresh", opts);
  }
  destroy(opts: OperationOptions = {}) {
    return this.run("destroy", opts);
  }
  export(opts: { showSecrets?: boolean } = {}) {
    return this.run("export", opts);
  }
  /** `pulumi stack import` of a deployment (as `export` returns it); secrets may be plaintext. */
  import(deployment: unknown) {
    return this.run("import", { deployment });
  }

  /** Every byte the file backend holds (state, history, backups), for secret scans. */
  backendContents(): string {
    const parts: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else parts.push(fs.readFileSync(full, "latin1"));
      }
    };
    walk(this.backendDir);
    return parts.join("\n");
  }

  dispose(): void {
    fs.rmSync(this.backendDir, { recursive: true, force: true });
    fs.rmSync(this.project.root, { recursive: true, force: true });
  }

  /** dispose() in the background: removing a project's node_modules takes seconds, which can overlap other work. */
  async disposeAsync(): Promise<void> {
    await Promise.all([
      fs.promises.rm(this.backendDir, { recursive: true, force: true }),
      fs.promises.rm(this.project.root, { recursive: true, force: true }),
    ]);
  }

  async run(operation: StackOperation, opts: OperationOptions = {}): Promise<StackResult> {
    const binDir = pulumiBinDir();
    const request: StackRequest = {
      operation,
      projectName: this.options.projectName,
      stackName: this.options.stackName ?? "test",
      workDir: this.workDir,
      programModule: this.project.programModule,
      pulumiBinDir: binDir,
      config: this.config,
      envVars: {
        PULUMI_BACKEND_URL: `file://${this.backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_HOME: path.join(this.backendDir, ".pulumi-home"),
        ...this.options.env,
      },
      expectNoChanges: opts.expectNoChanges,
      refresh: opts.refresh,
      stream: opts.stream,
      diff: opts.diff,
      skipExport: opts.exportState === false,
      logVerbosity: opts.logVerbosity,
      continueOnError: opts.continueOnError,
      deployment: opts.deployment,
      showSecrets: opts.showSecrets,
    };
    const stdout = await runChild(this.project.stackCli, request, binDir);
    const marker = stdout.lastIndexOf("STACK-RESULT ");
    if (marker < 0) throw new Error(`stack-cli printed no result:\n${stdout.slice(-4000)}`);
    return JSON.parse(stdout.slice(marker + "STACK-RESULT ".length)) as StackResult;
  }
}

/**
 * The stack config that points the provider at an emulator: its base URL and API key pair, the keys secret, under
 * the keys a user of the route sets.
 */
export function emulatorConfig(
  emulator: Emulator,
  route: Route = dynamicRoute,
): Record<string, { value: string; secret?: boolean }> {
  return {
    [route.settings.baseUrl]: { value: emulator.baseUrl },
    [route.settings.publicKey]: { value: emulator.credentials.publicKey, secret: true },
    [route.settings.privateKey]: { value: emulator.credentials.privateKey, secret: true },
  };
}

/**
 * Pulumi.yaml as on the plugin route: the engine starts the plugin from node_modules/.bin. The Automation API loads
 * it instead of its default project, and runs the inline program all the same.
 */
function writePluginProjectFile(project: UserProject, projectName: string): void {
  const lines = ["plugins:", "  providers:", `    - name: ${pluginPackage}`, `      path: ${project.binDir}`];
  fs.writeFileSync(
    path.join(project.projectDir, "Pulumi.yaml"),
    [`name: ${projectName}`, "runtime: nodejs", ...lines, ""].join("\n"),
  );
}

/** Where tsc put the compiled form of a source file of this repo. */
export function compiledPath(sourcePath: string): string {
  return path.join(distRoot, sourcePath.replace(/\.ts$/, ".js"));
}

/** A minimal environment: nothing of the developer's own Atlas or Pulumi settings leaks into a test stack. */
function childEnv(binDir: string): NodeJS.ProcessEnv {
  return {
    PATH: [binDir, path.join(repoRoot, "node_modules", ".bin"), "/usr/local/bin", "/usr/bin", "/bin"].join(
      path.delimiter,
    ),
    HOME: process.env.HOME ?? os.tmpdir(),
    TMPDIR: os.tmpdir(),
  };
}

function runChild(script: string, request: StackRequest, binDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // The request goes on stdin: it holds secret config, and a command line is readable by any process.
    const child = spawn(process.execPath, [script], {
      cwd: request.workDir,
      env: childEnv(binDir),
      stdio: ["pipe", "pipe", request.stream ? "inherit" : "pipe"],
    });
    child.stdin?.end(JSON.stringify(request));
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), operationTimeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString("utf8");
      if (out.includes("STACK-RESULT ")) return resolve(out);
      const err = Buffer.concat(stderr).toString("utf8");
      reject(
        new Error(
          `stack-cli ended (${signal ?? `exit ${code}`}) without a result:\n${err.slice(-4000)}\n${out.slice(-4000)}`,
        ),
      );
    });
  });
}
