// Runs a Go test module with `go test -json` and gathers each top-level Go test's outcome and output (its subtests'
// included), so a jest test can name the Go test that failed and show what it printed.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

export interface GoTestResult {
  /** Undefined when the test started but never ended (the binary crashed or timed out). */
  outcome?: "pass" | "fail" | "skip";
  output: string;
}

export interface GoTestRun {
  exitCode: number | null;
  tests: Map<string, GoTestResult>;
  /** What belongs to no test: build errors, panics outside a test, the package's summary, stderr. */
  otherOutput: string;
}

/** The `func TestX(t *testing.T)` declared in the module's top folder (one package), A-Z by file. */
export function declaredGoTests(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith("_test.go"))
    .sort()
    .flatMap((file) =>
      [...readFileSync(path.join(dir, file), "utf8").matchAll(/^func (Test\w+)\(t \*testing\.T\)/gm)].map(
        (match) => match[1]!,
      ),
    );
}

/** How long the Go tests themselves may run (go test's -timeout), once compiled. */
const GO_TEST_TIMEOUT_SECONDS = 120;

/**
 * `go test -json -count=1 ./...` in `dir` with `env` added to this process's environment. `-count=1` so results
 * are never replayed from Go's test cache. Built with the settings scripts/ensure-pulumi-cli builds the Pulumi CLI
 * with (no cgo, -trimpath), so packages that build already compiled can come from Go's build cache.
 * `timeoutMs` bounds the whole run, compiling included.
 */
export function runGoTests(dir: string, env: Record<string, string>, timeoutMs: number): Promise<GoTestRun> {
  const args = ["test", "-json", "-count=1", "-trimpath", `-timeout=${GO_TEST_TIMEOUT_SECONDS}s`, "./..."];
  return new Promise((resolve, reject) => {
    const child = spawn("go", args, {
      cwd: dir,
      env: { ...process.env, CGO_ENABLED: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed: go test still running after ${timeoutMs / 1000} s]\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === "ENOENT"
          ? new Error(`go is not on PATH: ${dir} needs Go 1.22 or later (https://go.dev/dl/)`)
          : error,
      );
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      const { tests, otherOutput } = parseTestEvents(stdout);
      resolve({ exitCode, tests, otherOutput: otherOutput + stderr });
    });
  });
}

interface TestEvent {
  Action: string;
  Test?: string;
  Output?: string;
}

function parseTestEvents(jsonLines: string): Pick<GoTestRun, "tests" | "otherOutput"> {
  const tests = new Map<string, GoTestResult>();
  let otherOutput = "";
  for (const line of jsonLines.split("\n")) {
    if (line.trim() === "") continue;
    let event: TestEvent;
    try {
      event = JSON.parse(line) as TestEvent;
    } catch {
      otherOutput += `${line}\n`;
      continue;
    }
    if (event.Test === undefined) {
      otherOutput += event.Output ?? "";
      continue;
    }
    const topLevel = event.Test.split("/")[0]!;
    const result = tests.get(topLevel) ?? { output: "" };
    tests.set(topLevel, result);
    result.output += event.Output ?? "";
    if (event.Test === topLevel && (event.Action === "pass" || event.Action === "fail" || event.Action === "skip")) {
      result.outcome = event.Action;
    }
  }
  return { tests, otherOutput };
}
