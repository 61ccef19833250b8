// Runs one Pulumi operation on one stack through the real Pulumi CLI (Automation API, inline program) in a
// process of its own, the way a user's `pulumi up` runs: the program loads this package by its name, the
// engine serializes the dynamic providers and starts the real dynamic-provider plugin.
//
// Usage: node stack-cli.js < request.json   (a StackRequest on stdin: it holds secret config, kept off the
// command line, which any process on the machine can read)
// Prints one line `STACK-RESULT <StackResult as JSON>` on stdout, after the engine's own output.
import { execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type OpMap } from "@pulumi/pulumi/automation";

export type StackOperation = "preview" | "up" | "refresh" | "destroy" | "export" | "import";

export interface StackRequest {
  operation: StackOperation;
  projectName: string;
  stackName: string;
  workDir: string;
  /** Absolute path of a compiled program module; its exports become the stack outputs. */
  programModule: string;
  pulumiBinDir: string;
  config: Record<string, { value: string; secret?: boolean }>;
  envVars: Record<string, string>;
  expectNoChanges?: boolean;
  /** `preview --refresh` / `up --refresh`. */
  refresh?: boolean;
  /** Also print the engine's output on stderr as it comes (the demo). */
  stream?: boolean;
  /** preview/up `--diff`: list each resource's changed properties, replacement reasons included. */
  diff?: boolean;
  /** Leave out the `pulumi stack export` after the operation (the benchmark, between measurements). */
  skipExport?: boolean;
  /** Verbose engine logs (`--verbose N --logtostderr --logflow`), collected in `StackResult.stderr`. */
  logVerbosity?: number;
  /** `up --continue-on-error`: a failed resource does not stop the others. */
  continueOnError?: boolean;
  /** `import`: the deployment to import (`pulumi stack import`; secrets may be given as plaintext). */
  deployment?: unknown;
  /** The export after the operation with `--show-secrets`. */
  showSecrets?: boolean;
}

export interface StackResult {
  ok: boolean;
  error?: string;
  /** Everything the engine printed, as a user sees it. */
  output: string;
  changeSummary?: OpMap;
  /** The step the engine took for each resource, by URN ("create", "same", "replace", "update", ...). */
  steps: Record<string, string>;
  /** The properties the engine reported changed, by URN (for refresh: what drifted). */
  changedProperties: Record<string, string[]>;
  outputs?: Record<string, { value: unknown; secret: boolean }>;
  /** `pulumi stack export` as a user runs it: secrets stay encrypted. */
  deployment?: unknown;
  /** What the CLI wrote on stderr, when `logVerbosity` was requested (on failure it is in `error` too). */
  stderr?: string;
  /** Wall time of the operation itself (the `pulumi` CLI run), without this process's start and the export. */
  operationMs?: number;
}

/**
 * The stack config, set as a user sets it. The Automation API's setAllConfig would put every value, secrets
 * included, on a `pulumi config set-all` command line, which any process on the machine can read: secret values go
 * to `pulumi config set --secret` on stdin instead.
 */
async function setConfig(request: StackRequest, stackName: string): Promise<void> {
  const entries = Object.entries(request.config);
  const plain = Object.fromEntries(entries.filter(([, entry]) => !entry.secret));
  const pulumi = path.join(request.pulumiBinDir, "pulumi");
  const env = { ...process.env, ...request.envVars };
  if (Object.keys(plain).length > 0) {
    const pairs = Object.entries(plain).flatMap(([key, entry]) => ["--plaintext", `${key}=${entry.value}`]);
    await new Promise<void>((resolve, reject) =>
      execFile(pulumi, ["config", "set-all", "--stack", stackName, ...pairs], { cwd: request.workDir, env }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
  for (const [key, entry] of entries.filter(([, e]) => e.secret)) {
    await withStdin(
      pulumi,
      ["config", "set", "--secret", key, "--stack", stackName],
      entry.value,
      request.workDir,
      env,
    );
  }
}

function withStdin(command: string, args: string[], input: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`pulumi ${args.slice(0, 3).join(" ")} failed: ${stderr}`)),
    );
    child.stdin.end(input);
  });
}

async function run(request: StackRequest): Promise<StackResult> {
  const output: string[] = [];
  const steps: Record<string, string> = {};
  const changedProperties: Record<string, string[]> = {};
  const onOutput = (text: string) => {
    output.push(text);
    if (request.stream) process.stderr.write(text);
  };
  const onEvent = (event: EngineEvent) => {
    const meta = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
    if (meta) {
      steps[meta.urn] = meta.op;
      const changed = meta.diffs?.length ? meta.diffs : changedOutputs(meta.old?.outputs, meta.new?.outputs);
      if (changed.length > 0) changedProperties[meta.urn] = changed;
    }
  };
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(request.pulumiBinDir), skipVersionCheck: false });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is whatever file the request names
  const program = async () => ({ ...(require(request.programModule) as Record<string, unknown>) });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: request.stackName, projectName: request.projectName, program },
    { workDir: request.workDir, pulumiCommand, envVars: request.envVars },
  );
  await setConfig(request, stack.name);
  const stderr: string[] = [];
  const verbose =
    request.logVerbosity === undefined
      ? {}
      : {
          logVerbosity: request.logVerbosity,
          logToStdErr: true,
          logFlow: true,
          onError: (text: string) => stderr.push(text),
        };
  const common = { onOutput, onEvent, color: "never" as const, ...verbose };
  const result: StackResult = { ok: true, output: "", steps, changedProperties };
  const started = performance.now();
  switch (request.operation) {
    case "preview": {
      const preview = await stack.preview({
        ...common,
        expectNoChanges: request.expectNoChanges,
        refresh: request.refresh,
      });
      result.changeSummary = preview.changeSummary;
      break;
    }
    case "up": {
      const up = await stack.up({
        ...common,
        expectNoChanges: request.expectNoChanges,
        refresh: request.refresh,
        continueOnError: request.continueOnError,
        diff: request.diff,
      });
      result.changeSummary = up.summary.resourceChanges;
      result.outputs = up.outputs;
      break;
    }
    case "refresh": {
      const refresh = await stack.refresh({ ...common, expectNoChanges: request.expectNoChanges });
      result.changeSummary = refresh.summary.resourceChanges;
      break;
    }
    case "destroy": {
      const destroy = await stack.destroy({ ...common });
      result.changeSummary = destroy.summary.resourceChanges;
      break;
    }
    case "export":
      break;
    case "import":
      await stack.importStack({ version: 3, deployment: request.deployment });
      break;
  }
  result.operationMs = performance.now() - started;
  result.output = output.join("");
  if (request.logVerbosity !== undefined) result.stderr = stderr.join("");
  if (request.skipExport) return result;
  // Not stack.exportStack(): that passes --show-secrets.
  const exported = await promisify(execFile)(
    pulumiCommand.command,
    ["stack", "export", "--stack", request.stackName, ...(request.showSecrets ? ["--show-secrets"] : [])],
    {
      cwd: request.workDir,
      env: { ...process.env, ...request.envVars },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  result.deployment = (JSON.parse(exported.stdout) as { deployment: unknown }).deployment;
  return result;
}

/** Refresh events carry no diff list: compare the outputs before and after. */
function changedOutputs(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): string[] {
  if (!before || !after) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

if (require.main === module) {
  readStdin()
    .then((text) => run(JSON.parse(text) as StackRequest))
    .then(
      (result) => {
        process.stdout.write(`\nSTACK-RESULT ${JSON.stringify(result)}\n`);
      },
      (err: unknown) => {
        // Automation API errors carry the engine's stdout/stderr; that is what a user would have seen.
        const message = err instanceof Error ? err.message : String(err);
        const result: StackResult = { ok: false, error: message, output: "", steps: {}, changedProperties: {} };
        process.stdout.write(`\nSTACK-RESULT ${JSON.stringify(result)}\n`);
      },
    );
}
