// `npm run demo`: examples/managed-certs run the way the README tells a user to run it: a copy of the folder,
// `npm install` (this package from its `npm pack` tarball), `pulumi stack init`, secret config, then the `pulumi`
// CLI itself against the bundled Atlas emulator: preview, up, time passes (rotation), certificates expire out of
// band (refresh shows the drift), up repairs it, destroy. Everything runs on loopback with a file backend in a
// temporary directory.
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { findPulumiCli } from "./lib/pulumi-cli";
import { repoRoot } from "./lib/repo-root";
import { packThisPackage, UserProject, type CliRun } from "./lib/user-project";

const services = ["orders-api", "billing-worker"];
const dayMs = 24 * 60 * 60 * 1000;

function heading(text: string): void {
  process.stdout.write(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

function note(text: string): void {
  process.stdout.write(`    ${text}\n`);
}

async function countRequests(emulator: Emulator, since: number): Promise<string> {
  const log = (await emulator.control.requests()).filter((r) => r.seq > since && r.authenticated);
  const writes = log.filter((r) => r.method !== "GET").length;
  return `${log.length} Atlas API call(s), ${writes} write(s)`;
}

async function main(): Promise<void> {
  heading("Pulumi CLI");
  const { binDir: pulumiBinDir, version: pulumiVersion } = findPulumiCli();
  note(`pulumi ${pulumiVersion} on node ${process.version}`);

  heading("Your project: a copy of examples/managed-certs, `npm install` with this package's `npm pack` tarball");
  const tarball = packThisPackage(path.join(repoRoot, ".work", "pack"));
  const project = UserProject.create({
    source: path.join(repoRoot, "examples", "managed-certs"),
    tarball,
    pulumiBinDir,
    installCache: path.join(repoRoot, ".work", "user-project-installs"),
  });
  note(`${project.dir} (Pulumi.yaml, package.json, tsconfig.json, index.ts; ${path.basename(tarball)} installed)`);

  heading("Starting the Atlas emulator on loopback (RSA 4096 keys, as Atlas issues)");
  const emulator = await startEmulator({
    keyPool: 6, // generated up front: key generation is Atlas's server time, not this demo's subject
    seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
  });
  note(`${emulator.baseUrl}, project ${emulator.projectId}, MANAGED users: ${services.join(", ")}`);

  try {
    heading("pulumi stack init demo; pulumi config set (the API key pair as secrets)");
    await project.pulumiOk(["stack", "init", "demo"]);
    await project.setConfig("projectId", emulator.projectId);
    await project.setConfig("clusterHost", "cluster0.demo.mongodb.net");
    await project.setConfig("mongodbatlas:baseUrl", emulator.baseUrl);
    await project.setConfig("mongodbatlas:publicKey", emulator.credentials.publicKey, { secret: true });
    await project.setConfig("mongodbatlas:privateKey", emulator.credentials.privateKey, { secret: true });
    note(`file backend ${project.backendDir}`);

    const step = async (title: string, args: string[]): Promise<CliRun> => {
      heading(title);
      const mark = (await emulator.control.requests()).at(-1)?.seq ?? 0;
      const run = await project.pulumiOk(args, { stream: true });
      note(`(${await countRequests(emulator, mark)})`);
      return run;
    };

    // The provider judges renewal by this machine's clock; Atlas (the emulator) dates certificates by its own.
    heading("Setting the emulator's clock 80 days back: the stack is created as if 80 days ago");
    await emulator.control.setClockOffset(-80 * dayMs);
    await step("pulumi preview: what would be created (no Atlas calls)", ["preview"]);
    await step("pulumi up: Atlas issues one certificate per service (keys stay [secret])", ["up", "--yes"]);

    heading("Back to today: the 3-month certificates have about 11 days left, inside the 14-day renewal window");
    await emulator.control.setClockOffset(0);
    await step("pulumi preview: the rotation shows as a replace before it happens, with a warning saying why", [
      "preview",
    ]);
    await step("pulumi up: successors issued before the old certificates leave the stack", ["up", "--yes"]);
    await step("pulumi preview --expect-no-changes", ["preview", "--expect-no-changes"]);

    heading("Out of band: 100 days pass at Atlas; it no longer lists the certificates (expired)");
    await emulator.control.setClockOffset(100 * dayMs);
    await step("pulumi refresh: the drift shows as deleted certificates", ["refresh", "--yes"]);
    await step("pulumi up: new certificates repair it", ["up", "--yes"]);
    await step("pulumi refresh --expect-no-changes: state matches Atlas", ["refresh", "--yes", "--expect-no-changes"]);

    // While the certificates are in the stack: what `pulumi stack export` shows, and every byte of the backend.
    const secrets = [emulator.credentials.privateKey, "BEGIN PRIVATE KEY"];
    const exported = JSON.stringify(await project.exportState());
    const leaks = secrets.filter((needle) => exported.includes(needle) || project.backendContents().includes(needle));

    await step("pulumi destroy: certificates leave the stack (Atlas cannot revoke them; see the warnings)", [
      "destroy",
      "--yes",
    ]);

    const history = project.backendContents();
    leaks.push(...secrets.filter((needle) => history.includes(needle)));
    if (leaks.length > 0) throw new Error(`plain-text secrets in the stack export or the backend: ${leaks.length}`);
    heading(
      "Done: neither pulumi stack export nor the backend's files hold the API key or a private key in plain text",
    );
  } finally {
    project.dispose();
    await emulator.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
