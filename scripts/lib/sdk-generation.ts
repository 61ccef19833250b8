// schema.json and the SDKs under sdk/, as `npm run generate` writes them: the plugin's schema (the one GetSchema
// answers), and the Go and Python SDKs that Pulumi's own code generators write from it (scripts/sdkgen, a Go
// program pinned to the CLI's github.com/pulumi/pulumi/pkg/v3). The tests regenerate into a temporary folder and
// compare.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageVersion } from "../../provider/atlas/version";
import { packageSchema } from "../../provider/plugin/schema";
import { repoRoot } from "./repo-root";

/** The generated files, relative to the repository root. */
export const SCHEMA_FILE = "schema.json";
export const SDK_FOLDER = "sdk";

/** The schema as committed: the plugin's schema at this checkout's version, two-space JSON. */
export function schemaText(): string {
  return JSON.stringify(packageSchema(packageVersion()), null, 2) + "\n";
}

/**
 * Builds scripts/sdkgen into .work/sdkgen with the flags the Pulumi CLI is built with (scripts/ensure-pulumi-cli),
 * so that the Go build cache the CLI filled serves it. Returns the executable's path.
 */
export function buildSdkgen(): string {
  const output = path.join(repoRoot, ".work", "sdkgen", "sdkgen");
  execFileSync("go", ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "-o", output, "."], {
    cwd: path.join(repoRoot, "scripts", "sdkgen"),
    env: { ...process.env, CGO_ENABLED: "0" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return output;
}

/** Writes schema.json and sdk/{go,python} under `root` (the repository root, or a test's temporary folder). */
export function generate(root: string, sdkgen: string = buildSdkgen()): void {
  const schemaPath = path.join(root, SCHEMA_FILE);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(schemaPath, schemaText());
  execFileSync(sdkgen, [schemaPath, path.join(root, SDK_FOLDER)], { stdio: ["ignore", "inherit", "inherit"] });
}
