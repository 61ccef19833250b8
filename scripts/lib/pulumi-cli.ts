// Finds the Pulumi CLI for the tools and the tests: scripts/ensure-pulumi-cli prints one bin directory holding
// `pulumi`, `pulumi-language-nodejs`, `pulumi-language-yaml`, `pulumi-resource-pulumi-nodejs` and the optional
// language hosts a caller names (a `pulumi` on PATH wins; otherwise it
// builds them from Go modules into a cache on the first run). The demo, the benchmark, the load tool and jest's
// globalSetup (test/support/global-setup.js, through the compiled dist/scripts/lib/pulumi-cli.js) call findPulumiCli;
// the engine harness of the same process or of a child (jest's workers) reads the directory back with pulumiBinDir.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "./repo-root";

/** The environment variable that hands the bin directory to the engine harness and to jest's workers. */
const BIN_DIR_VARIABLE = "PULUMI_CLI_BIN_DIR";

export interface PulumiCli {
  /** The directory holding `pulumi` and its Node.js language host. */
  binDir: string;
  /** What `pulumi version` prints, e.g. "v3.276.0". */
  version: string;
}

export interface FindPulumiCliOptions {
  /**
   * Also put the bin directory on this process's PATH (inherited by every child), for callers that run `pulumi`
   * by name. Default false.
   */
  onPath?: boolean;
  /**
   * Optional language hosts to add to the bin directory (scripts/ensure-pulumi-cli builds them on the first run):
   * the tests ask for them, the demo and the benchmark do not. Default none.
   */
  languageHosts?: readonly LanguageHost[];
}

/** The optional language hosts scripts/ensure-pulumi-cli knows. */
export type LanguageHost = "go" | "python";

/**
 * Runs scripts/ensure-pulumi-cli (its progress goes to this process's stderr), records the bin directory in
 * PULUMI_CLI_BIN_DIR for pulumiBinDir, and asks the CLI its version.
 */
export function findPulumiCli(options: FindPulumiCliOptions = {}): PulumiCli {
  const binDir = execFileSync(path.join(repoRoot, "scripts", "ensure-pulumi-cli"), options.languageHosts ?? [], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  process.env[BIN_DIR_VARIABLE] = binDir;
  if (options.onPath) process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH ?? ""}`;
  const version = execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  return { binDir, version };
}

/** The bin directory findPulumiCli found, in this process or in the one that started it (jest's globalSetup). */
export function pulumiBinDir(): string {
  const dir = process.env[BIN_DIR_VARIABLE];
  if (!dir)
    throw new Error(`${BIN_DIR_VARIABLE} is not set: run the tests through jest (its globalSetup finds the CLI)`);
  return dir;
}
