// The repository root, whether this code runs as TypeScript (jest) or compiled under dist/ (demo, bench).
import * as fs from "node:fs";
import * as path from "node:path";

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-atlas-x509"
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-atlas-x509 package.json above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
