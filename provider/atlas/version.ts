// The package's own name and version, for the User-Agent, GetPluginInfo and the schema. The single executable has
// it baked in (../bundle.ts); the npm package reads it once, on first use, from the package.json found by walking up
// from this file: the source lives in provider/atlas/, the compiled file in dist/provider/atlas/, and an installed
// copy in node_modules/pulumi-atlas-x509/dist/provider/atlas/.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bundledVersion } from "../bundle";

export const PACKAGE_NAME = "pulumi-atlas-x509";

let cached: string | undefined;

/** The version built into the executable, or in this package's package.json, or "0.0.0-unknown" when neither is found. */
export function packageVersion(): string {
  cached ??= bundledVersion ?? findVersion(__dirname) ?? "0.0.0-unknown";
  return cached;
}

function findVersion(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, "package.json"));
    if (manifest?.name === PACKAGE_NAME && typeof manifest.version === "string") return manifest.version;
    if (dirname(dir) === dir) return undefined;
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** "pulumi-atlas-x509/0.1.0 node/v22.x.y" */
export function defaultUserAgent(): string {
  return `${PACKAGE_NAME}/${packageVersion()} node/${process.version}`;
}
