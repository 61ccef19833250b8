// The user-project test layer's common steps: a copy of an example installed from the package tarball (packed
// once by global-setup.js), a stack whose Atlas credentials are secret config, and the checks every test makes on
// what the CLI left behind.
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { pulumiBinDir } from "../../scripts/lib/pulumi-cli";
import { repoRoot } from "../../scripts/lib/repo-root";
import { UserProject, type Deployment, type RunOptions } from "../../scripts/lib/user-project";
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

/**
 * An emulator (2048-bit keys, quicker than Atlas's 4096) holding the MANAGED database users `usernames`, and a
 * copy of `source` with a stack set up against it (initStack).
 */
export async function projectWithEmulator(
  source: string,
  usernames: string[],
  namespace: "mongodbatlas" | "atlas-x509",
): Promise<{ emulator: Emulator; project: UserProject }> {
  const emulator = await startEmulator({
    keyBits: 2048,
    seedUsers: usernames.map((username) => ({ username, x509Type: "MANAGED" as const })),
  });
  const project = userProjectFrom(source);
  await initStack(project, emulator, namespace);
  return { emulator, project };
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

export interface EngineDiagnostic {
  severity: string;
  /** The resource the diagnostic is about; empty when the engine was told none (it shows under the stack). */
  urn: string;
  message: string;
}

/**
 * Runs `pulumi <args> --json` (an up or a destroy) and returns the diagnostics the engine reported, each with its
 * severity: a plugin's warning is `warning`, its raw stderr `info#err`. The CLI prints the preview as one JSON
 * document (from a `{` line to a `}` line) with a `diagnostics` list, then the update's engine events, one JSON
 * object a line.
 */
export async function engineDiagnostics(
  project: UserProject,
  args: string[],
  options: RunOptions = {},
): Promise<EngineDiagnostic[]> {
  type Diagnostic = Partial<EngineDiagnostic>;
  const run = await project.pulumiOk([...args, "--json"], options);
  const previews = (run.stdout.match(/^\{$[\s\S]*?^\}$/gm) ?? []).map(
    (document) => (JSON.parse(document) as { diagnostics?: Diagnostic[] }).diagnostics ?? [],
  );
  const events = (run.stdout.match(/^\{"sequence".*$/gm) ?? []).map(
    (line) => (JSON.parse(line) as { diagnosticEvent?: Diagnostic }).diagnosticEvent,
  );
  if (previews.length === 0) throw new Error(`${run.command} printed no preview:\n${run.stdout}`);
  return [...previews.flat(), ...events]
    .filter((d): d is Diagnostic => d !== undefined)
    .map((d) => ({ severity: d.severity ?? "", urn: d.urn ?? "", message: d.message ?? "" }));
}

/** Polls `condition` until it holds; the deadline only bounds the wait for the event it watches. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
