// The user-project test layer's common steps: a copy of an example installed from the package tarball (packed
// once by global-setup.js), or the provider plugin installed from its release archive (built once by
// global-setup.js), a stack whose Atlas credentials are secret config, and the checks every test makes on what the
// CLI left behind.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { goModulePath } from "../../provider/plugin/schema";
import { startPluginServer } from "../../scripts/lib/plugin-server";
import { pulumiBinDir } from "../../scripts/lib/pulumi-cli";
import { releaseVersion } from "../../scripts/lib/release";
import { repoRoot } from "../../scripts/lib/repo-root";
import { UserProject, type CliRun, type Deployment } from "../../scripts/lib/user-project";
import { findPlainSecrets } from "./state";

export const MANAGED_CERTIFICATE = "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate";
export const CUSTOMER_X509_CONFIG = "pulumi-nodejs:dynamic/atlas:CustomerX509Config";
/** The same resources served by the provider plugin. */
export const PLUGIN_MANAGED_CERTIFICATE = "atlas-x509:index:ManagedX509Certificate";
export const PLUGIN_CUSTOMER_X509_CONFIG = "atlas-x509:index:CustomerX509Config";
export const PLUGIN_PROVIDER = "pulumi:providers:atlas-x509";

/** A copy of `source` (relative to the repository root), with this package installed from its tarball. */
export function userProjectFrom(source: string): UserProject {
  const tarball = process.env.PULUMI_ATLAS_X509_TARBALL;
  if (!tarball) throw new Error("run the user-project tests through jest: its globalSetup packs");
  return UserProject.create({
    source: path.join(repoRoot, source),
    tarball,
    pulumiBinDir: pulumiBinDir(),
    installCache: path.join(repoRoot, ".work", "user-project-installs"),
  });
}

/** The provider plugin's release archive for linux-amd64, built by jest's globalSetup. */
export function releaseArchive(): string {
  const archive = process.env.PULUMI_ATLAS_X509_RELEASE_ARCHIVE;
  if (!archive) throw new Error("run the user-project tests through jest: its globalSetup builds the release");
  return archive;
}

/**
 * `pulumi plugin install resource atlas-x509 <version> --server <url>` in the project, as a user installs a
 * provider's release: the URL is a loopback server holding the release archive, started for this install only.
 * Returns what the CLI printed; fails unless the CLI fetched the archive from the server.
 */
export async function installPluginFromRelease(project: UserProject): Promise<CliRun> {
  const archive = releaseArchive();
  const server = await startPluginServer([archive]);
  try {
    const install = ["plugin", "install", "resource", "atlas-x509", releaseVersion(), "--server", server.url];
    const run = await project.pulumiOk(install);
    const fetched = `GET /${path.basename(archive)} 200`;
    if (!server.requests.includes(fetched)) {
      throw new Error(`the CLI did not fetch the archive (${server.requests.join(", ") || "no request"})`);
    }
    return run;
  } finally {
    await server.close();
  }
}

/**
 * A copy of a Go example (relative to the repository root) whose go.mod `replace` points at this checkout's
 * generated SDK, as a user of the unpublished SDK points it at their copy. Its commands find only the CLI and Go
 * on PATH: no Node.js, so the provider plugin must be the release archive's executable.
 */
export function goProjectFrom(source: string): UserProject {
  const goBin = path.join(execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim(), "bin");
  const project = UserProject.create({
    source: path.join(repoRoot, source),
    pulumiBinDir: pulumiBinDir(),
    toolDirs: [goBin],
  });
  const sdk = path.join(repoRoot, "sdk", "go");
  execFileSync(path.join(goBin, "go"), ["mod", "edit", `-replace=${goModulePath}=${sdk}`], { cwd: project.dir });
  return project;
}

/**
 * `pulumi stack init` and the stack config a user sets: the project id, the base URL, secret API keys; under
 * `mongodbatlas:` for the dynamic resources, under `atlas-x509:` for the provider plugin's.
 */
export async function initStack(
  project: UserProject,
  emulator: Emulator,
  namespace: "mongodbatlas" | "atlas-x509" = "mongodbatlas",
) {
  await project.pulumiOk(["stack", "init", "dev"]);
  await project.setConfig("projectId", emulator.projectId);
  await setCredentials(project, emulator, namespace);
}

/** The emulator's base URL and secret API keys as stack config under `namespace`. */
export async function setCredentials(
  project: UserProject,
  emulator: Emulator,
  namespace: "mongodbatlas" | "atlas-x509",
) {
  await project.setConfig(`${namespace}:baseUrl`, emulator.baseUrl);
  await project.setConfig(`${namespace}:publicKey`, emulator.credentials.publicKey, { secret: true });
  await project.setConfig(`${namespace}:privateKey`, emulator.credentials.privateKey, { secret: true });
}

/** The emulator's requests since its log was last reset, other than digest challenges, as `METHOD path`. */
export async function atlasCalls(emulator: Emulator): Promise<string[]> {
  return (await emulator.control.requests()).filter((r) => r.status !== 401).map((r) => `${r.method} ${r.path}`);
}

export function resourcesOf(deployment: Deployment, type: string) {
  return (deployment.resources ?? []).filter((r) => r.type === type);
}

/** Every `__provider` of the deployment's dynamic resources, inputs and outputs. */
export function serializedProviders(deployment: Deployment): string[] {
  return (deployment.resources ?? [])
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
    .flatMap((r) => [r.inputs?.__provider, r.outputs?.__provider])
    .map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
}

/** The secrets that must never appear in plain text (API secrets, any PEM key, the keys of `pems`) found in the texts. */
export function plainSecretsIn(texts: string[], emulator: Emulator, pems: string[] = []): string[] {
  const needles = [
    emulator.credentials.privateKey,
    emulator.credentials.clientSecret,
    "BEGIN PRIVATE KEY",
    ...pems.map(privateKeyLine),
  ];
  return findPlainSecrets(texts.join("\n"), needles);
}

/** A line of base64 from inside a PEM's private key block: present in any copy of that key. */
function privateKeyLine(pem: string): string {
  const key = /-----BEGIN PRIVATE KEY-----\s+([A-Za-z0-9+/=]{40,})/.exec(pem)?.[1];
  if (!key) throw new Error("no PKCS#8 private key in the PEM");
  return key;
}
