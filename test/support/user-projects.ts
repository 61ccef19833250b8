// The user-project test layer's common steps: a copy of an example installed from the package tarball (packed
// once by global-setup.js), or the provider plugin installed from its release archive (built once by
// global-setup.js), a stack whose Atlas credentials are secret config, and the checks every test makes on what the
// CLI left behind.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { goModulePath } from "../../provider/plugin/schema";
import { startPluginServer } from "../../scripts/lib/plugin-server";
import { pulumiBinDir } from "../../scripts/lib/pulumi-cli";
import { releaseVersion, type ReleasePlatform } from "../../scripts/lib/release";
import { repoRoot } from "../../scripts/lib/repo-root";
import { UserProject, type CliRun, type Deployment, type RunOptions } from "../../scripts/lib/user-project";
import { findPlainSecrets } from "./state";
import { mutualTlsClientName, opensslCheck } from "./x509-checks";

export const MANAGED_CERTIFICATE = "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate";
export const CUSTOMER_X509_CONFIG = "pulumi-nodejs:dynamic/atlas:CustomerX509Config";
/** The same resources served by the provider plugin. */
export const PLUGIN_MANAGED_CERTIFICATE = "atlas-x509:index:ManagedX509Certificate";
export const PLUGIN_CUSTOMER_X509_CONFIG = "atlas-x509:index:CustomerX509Config";
export const PLUGIN_PROVIDER = "pulumi:providers:atlas-x509";

/**
 * A copy of `source` (relative to the repository root), with this package installed from its tarball when it has a
 * package.json; `toolDirs` are the folders of its language's tools, on its PATH.
 */
export function userProjectFrom(source: string, toolDirs: string[] = []): UserProject {
  const tarball = process.env.PULUMI_ATLAS_X509_TARBALL;
  if (!tarball) throw new Error("run the user-project tests through jest: its globalSetup packs");
  return UserProject.create({
    source: path.join(repoRoot, source),
    tarball,
    pulumiBinDir: pulumiBinDir(),
    installCache: path.join(repoRoot, ".work", "user-project-installs"),
    toolDirs,
  });
}

/** The provider plugin's release archive for linux-amd64 (or linux-arm64), built by jest's globalSetup. */
export function releaseArchive(platform: ReleasePlatform = "linux-amd64"): string {
  const archive =
    platform === "linux-amd64"
      ? process.env.PULUMI_ATLAS_X509_RELEASE_ARCHIVE
      : process.env.PULUMI_ATLAS_X509_RELEASE_ARCHIVE_ARM64;
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
 * generated SDK (or another copy of it), as a user of the unpublished SDK points it at their copy. Its commands find only the CLI and Go
 * on PATH: no Node.js, so the provider plugin must be the release archive's executable.
 */
export function goProjectFrom(source: string, sdk = path.join(repoRoot, "sdk", "go")): UserProject {
  const goBin = path.join(execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim(), "bin");
  const project = userProjectFrom(source, [goBin]);
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
  // A project without package.json (YAML) gets the plugin as its users do, from the release archive.
  if (!fs.existsSync(path.join(project.dir, "package.json"))) await installPluginFromRelease(project);
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

/**
 * A copy of examples/yaml-two-organizations with a stack whose two organizations are two emulators: each one's
 * project id, base URL and API keys (the private key secret), as a user sets them.
 */
export async function twoOrganizationsProject(organizations: {
  retail: Emulator;
  analytics: Emulator;
}): Promise<UserProject> {
  const project = userProjectFrom("examples/yaml-two-organizations");
  await installPluginFromRelease(project);
  await project.pulumiOk(["stack", "init", "dev"]);
  for (const [org, emulator] of Object.entries(organizations)) {
    await project.setConfig(`${org}ProjectId`, emulator.projectId);
    await project.setConfig(`${org}BaseUrl`, emulator.baseUrl);
    await project.setConfig(`${org}PublicKey`, emulator.credentials.publicKey);
    await project.setConfig(`${org}PrivateKey`, emulator.credentials.privateKey, { secret: true });
  }
  return project;
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

/** One service's entry in the `clients` output of a managed-certs example. */
export interface ClientOutput {
  certificateKeyPem: string;
  serialNumber: string;
  notAfter: string;
}

/**
 * The `clients` output of a managed-certs example (YAML, Go), checked as the services use it: each PEM passes
 * openssl against the project's CA (chain, client purpose, key match, the output's serial) and a mutual-TLS
 * handshake names the service; no key is in plain text in the state or the backend, and without --show-secrets
 * the output shows none.
 */
export async function expectClientsWork(project: UserProject, emulator: Emulator, services: string[]): Promise<void> {
  const shown = await project.pulumiOk(["stack", "output", "clients", "--json", "--show-secrets"]);
  const clients = JSON.parse(shown.stdout) as Record<string, ClientOutput>;
  expect(Object.keys(clients).sort()).toEqual([...services].sort());
  const ca = await emulator.control.caCertificate(emulator.projectId);
  for (const name of services) {
    const client = clients[name]!;
    expect(await opensslCheck(ca, client.certificateKeyPem)).toEqual({
      verify: "cert.pem: OK",
      keyMatches: true,
      serialNumber: client.serialNumber,
    });
    expect(await mutualTlsClientName(ca, client.certificateKeyPem)).toBe(name);
  }
  const keys = Object.values(clients).map((c) => c.certificateKeyPem);
  expect(
    plainSecretsIn([JSON.stringify(await project.exportState()), project.backendContents()], emulator, keys),
  ).toEqual([]);
  const hidden = await project.pulumiOk(["stack", "output", "clients", "--json"]);
  expect(hidden.stdout).not.toContain("PRIVATE KEY");
}

/**
 * After the `up` of a managed-certs example on the plugin route (YAML, Go): Atlas issued one certificate per
 * service, the state holds them without `__provider`, each key and the provider's credentials only as ciphertext,
 * and neither the state, the backend nor the stack config holds a credential or a key in plain text.
 */
export async function expectPluginCertificatesIssued(
  project: UserProject,
  emulator: Emulator,
  services: string[],
): Promise<void> {
  for (const name of services) {
    expect(await emulator.control.issuedCertificates(emulator.projectId, name)).toHaveLength(1);
  }
  const deployment = await project.exportState();
  const certificates = resourcesOf(deployment, PLUGIN_MANAGED_CERTIFICATE);
  expect(certificates.map((r) => r.outputs?.username).sort()).toEqual([...services].sort());
  for (const certificate of certificates) {
    expect(certificate.inputs).not.toHaveProperty("__provider");
    expect(certificate.outputs).not.toHaveProperty("__provider");
    expect(JSON.stringify(certificate.outputs?.privateKeyPem)).toMatch(/ciphertext/);
    expect(certificate.outputs?.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  }
  // The default provider keeps the stack's settings; its credentials only as ciphertext.
  const [provider] = resourcesOf(deployment, PLUGIN_PROVIDER);
  expect(provider?.inputs?.baseUrl).toBe(emulator.baseUrl);
  expect(JSON.stringify(provider?.inputs?.privateKey)).toMatch(/ciphertext/);
  const exported = JSON.stringify(deployment);
  const stackConfig = fs.readFileSync(path.join(project.dir, "Pulumi.dev.yaml"), "utf8");
  expect(plainSecretsIn([exported, project.backendContents(), stackConfig], emulator)).toEqual([]);
  expect(findPlainSecrets(exported, [emulator.credentials.publicKey])).toEqual([]);
}

/**
 * After the `up` of a managed-certs example: `preview --expect-no-changes` and `refresh --expect-no-changes` pass,
 * and the refresh only lists the users' certificates.
 */
export async function expectNoChangesRefreshOnlyReading(
  project: UserProject,
  emulator: Emulator,
  options: RunOptions = {},
): Promise<void> {
  await project.pulumiOk(["preview", "--expect-no-changes"], options);
  await emulator.control.resetRequests();
  await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"], options);
  const calls = await atlasCalls(emulator);
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.every((call) => /^GET .*\/databaseUsers\/[\w-]+\/certs/.test(call))).toBe(true);
}

/**
 * `pulumi destroy` of a managed-certs example through the plugin: the certificates and the default provider go, a
 * warning under each certificate says it stays valid, and the state keeps none.
 */
export async function expectDestroyWarnsUnderEachCertificate(
  project: UserProject,
  certificates: number,
  options: RunOptions = {},
): Promise<void> {
  const destroy = await project.pulumiOk(["destroy", "--yes"], options);
  expect(destroy.stdout).toMatch(new RegExp(`- ${certificates + 1} deleted`));
  const underCertificate = /atlas-x509:index:ManagedX509Certificate \([^)]+\):\n\s+warning: [^\n]*cannot revoke/g;
  expect(destroy.stdout.match(underCertificate)).toHaveLength(certificates);
  expect(resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE)).toEqual([]);
}

/**
 * `pulumi destroy --yes` on the plugin route, with `options` (PULUMI_DEBUG_PROVIDERS for an attached plugin): each
 * service's certificate gets the engine warning that Atlas cannot revoke it, under that certificate.
 */
export async function expectCannotRevokeWarningUnderEach(
  project: UserProject,
  services: string[],
  options: RunOptions = {},
): Promise<void> {
  const destroy = await engineDiagnostics(project, ["destroy", "--yes"], options);
  for (const name of services) {
    expect(destroy).toContainEqual({
      severity: "warning",
      urn: expect.stringMatching(`::${PLUGIN_MANAGED_CERTIFICATE}::${name}$`),
      message: expect.stringContaining("Atlas cannot revoke"),
    });
  }
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
