// A Pulumi project laid out as a user's: the program as index.js, with this package installed in node_modules as
// a real directory holding what `npm publish` would ship (package.json and its "files"). The dependencies are
// hard links to the repository's node_modules, so every module has a real path inside the project's tree:
// Pulumi's closure serializer then sees the package where a user's install puts it, and stores only a require()
// of its provider module in each resource's state.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./repo-root";

export interface UserProject {
  /** Holds node_modules, the project directory and the operation runner; removed by dispose(). */
  root: string;
  projectDir: string;
  /** node_modules/.bin, with this package's executables linked as npm links them. */
  binDir: string;
  programModule: string;
  stackCli: string;
}

export function createUserProject(projectName: string, compiledProgram: string, compiledStackCli: string): UserProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `pulumi-atlas-x509-${projectName}-`));
  const nodeModules = path.join(root, "node_modules");
  // Hard links: instant, and no second copy on disk (falls back to a copy across file systems).
  try {
    execFileSync("cp", ["-al", path.join(repoRoot, "node_modules"), nodeModules], { stdio: "ignore" });
  } catch {
    fs.cpSync(path.join(repoRoot, "node_modules"), nodeModules, { recursive: true, verbatimSymlinks: true });
  }
  const binDir = installPackageInto(nodeModules);
  const projectDir = path.join(root, "project");
  fs.mkdirSync(projectDir);
  const programModule = path.join(projectDir, "index.js");
  fs.copyFileSync(compiledProgram, programModule);
  // The runner loads @pulumi/pulumi/automation from the same node_modules as the program: one Pulumi runtime.
  const stackCli = path.join(root, "stack-cli.js");
  fs.copyFileSync(compiledStackCli, stackCli);
  return { root, projectDir, binDir, programModule, stackCli };
}

/** Installs the package as npm does: its published files, and its `bin` entries in node_modules/.bin. */
function installPackageInto(nodeModules: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    name: string;
    files: string[];
    bin: Record<string, string>;
  };
  const target = path.join(nodeModules, manifest.name);
  // In the repository this is a link to the checkout itself (scripts/link-self.js).
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(target, "package.json"));
  for (const pattern of manifest.files) {
    const dir = pattern.replace(/\/\*\*$/, ""); // "dist/provider/**" -> dist/provider
    fs.cpSync(path.join(repoRoot, dir), path.join(target, dir), { recursive: true });
  }
  // tsc leaves its output not executable; npm makes each bin target executable when it links it.
  const binDir = path.join(nodeModules, ".bin");
  fs.mkdirSync(binDir, { recursive: true });
  for (const [name, file] of Object.entries(manifest.bin)) {
    fs.chmodSync(path.join(target, file), 0o755);
    const link = path.join(binDir, name);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(binDir, path.join(target, file)), link);
  }
  return binDir;
}
