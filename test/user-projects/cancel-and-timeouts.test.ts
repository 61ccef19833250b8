// Stopping an operation as users do it, through the `pulumi` CLI: Ctrl-C (SIGINT to the CLI) while Atlas is
// answering a certificate POST, on the plugin route (a copy of examples/yaml-managed-certs) and on the dynamic route
// (examples/managed-certs), and a resource's customTimeouts running out while Atlas is slow (plugin route). The
// emulator holds or delays the POSTs, so the stop lands while a request is in flight.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { killGroup, type CliRun, type UserProject } from "../../scripts/lib/user-project";
import {
  atlasCalls,
  MANAGED_CERTIFICATE,
  PLUGIN_MANAGED_CERTIFICATE,
  plainSecretsIn,
  projectWithEmulator,
  resourcesOf,
} from "../support/user-projects";
import { waitUntil } from "../support/wait";

jest.setTimeout(300_000);

const services = ["orders-api", "billing-worker"];
/** Longer than any test: a held or delayed request never completes on its own while the test runs. */
const FOREVER_MS = 600_000;

/**
 * `pulumi up` with Atlas holding every certificate POST once it acted on it; SIGINT to the CLI (only the CLI, as
 * Ctrl-C reaches it: the engine runs its plugins in process groups of their own) once `arrived` holds. Resolves
 * with the run as it ended; a run still going 60 s after the SIGINT is killed and fails the test.
 */
async function upStoppedWithCtrlC(
  project: UserProject,
  emulator: Emulator,
  arrived: () => Promise<boolean>,
): Promise<CliRun> {
  await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", holdMs: FOREVER_MS }]);
  try {
    let cli: number | undefined;
    const up = project.pulumi(["up", "--yes"], { onStart: (pid) => (cli = pid) });
    await waitUntil(arrived);
    try {
      process.kill(cli!, "SIGINT");
    } catch {
      const ended = await up;
      throw new Error(`\`pulumi up\` ended before the SIGINT:\n${ended.stdout}\n${ended.stderr}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<"still running">((resolve) => (timer = setTimeout(resolve, 60_000, "still running")));
    const ended = await Promise.race([up, limit]);
    clearTimeout(timer);
    if (ended !== "still running") return ended;
    killGroup(cli);
    throw new Error("`pulumi up` was still running 60 s after SIGINT");
  } finally {
    await emulator.control.clearFaults();
  }
}

/** A copy of examples/yaml-managed-certs on the plugin route, its stack against an emulator holding `services`. */
const pluginRouteProject = () => projectWithEmulator("examples/yaml-managed-certs", services, "atlas-x509");

describe("Ctrl-C during `pulumi up` on the plugin route, while Atlas answers a certificate POST", () => {
  let emulator: Emulator;
  let project: UserProject;
  /** The service whose certificate Atlas issued before the Ctrl-C; its answer never arrived. */
  let held: string;
  const issued = (user: string) => emulator.control.issuedCertificates(emulator.projectId, user);

  beforeAll(async () => {
    ({ emulator, project } = await pluginRouteProject());
    // No attempt ends on its own: only the cancel can stop the held POST.
    await project.setConfig("atlas-x509:requestTimeoutSeconds", "600");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("ends the up promptly, saying the create was cancelled and its certificate's key is lost", async () => {
    // Atlas issues the first certificate, then holds its answer: the SIGINT lands between the two. The other
    // service's request waits for that first answer (it carries the digest challenge both share).
    const issuedCount = async () => (await Promise.all(services.map(issued))).flat().length;
    const run = await upStoppedWithCtrlC(project, emulator, async () => (await issuedCount()) === 1);
    held = (await issued("orders-api")).length === 1 ? "orders-api" : "billing-worker";
    expect(run.signal).toBeNull();
    expect(run.code).not.toBe(0);
    const shown = run.stdout + run.stderr;
    expect(shown).toContain("^C received; cancelling");
    expect(shown).toContain(
      `Atlas API POST /api/atlas/v2/groups/${emulator.projectId}/databaseUsers/${held}/certs failed: cancelled ` +
        "(the Pulumi engine cancelled the operation: Ctrl-C, SIGINT or SIGTERM). Hint: Atlas may have issued a " +
        "certificate before the failure, but its private key never arrived and is lost.",
    );
    expect(shown).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(plainSecretsIn([shown], emulator)).toEqual([]);
    // The other request never reached Atlas: the one certificate issued is the held one.
    expect(await issuedCount()).toBe(1);
  });

  it("after the Ctrl-C, the stack holds no certificate, no pending create and no lock; Atlas lists the lost one", async () => {
    const deployment = await project.exportState();
    expect(resourcesOf(deployment, PLUGIN_MANAGED_CERTIFICATE)).toEqual([]);
    expect(deployment.pending_operations ?? []).toEqual([]);
    expect(plainSecretsIn([JSON.stringify(deployment), project.backendContents()], emulator)).toEqual([]);
    const [lost] = await issued(held);
    expect(lost?.expired).toBe(false);
  });

  it("after the Ctrl-C, the next `pulumi up` issues one certificate per service, with no cancel or refresh first", async () => {
    const up = await project.pulumiOk(["up", "--yes"]);
    expect(up.stdout).not.toMatch(/pending operations/);
    const certificates = resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE);
    for (const user of services) {
      const certs = await issued(user);
      expect(certs).toHaveLength(user === held ? 2 : 1);
      const certificate = certificates.find((c) => c.outputs?.username === user);
      expect(certificate?.outputs?.serialNumber).toBe(certs.at(-1)!.serialNumber);
    }
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await project.pulumiOk(["destroy", "--yes"]);
  });
});

describe("customTimeouts on the plugin route: a create that Atlas is too slow for", () => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    ({ emulator, project } = await pluginRouteProject());
    // What a user writes: a 3 s bound on the creation of one certificate.
    const programPath = path.join(project.dir, "Pulumi.yaml");
    const program = fs.readFileSync(programPath, "utf8");
    const resource = "      renewBeforeDays: 14\n  billing-worker:";
    if (!program.includes(resource)) throw new Error("examples/yaml-managed-certs changed: adjust this test");
    const bounded =
      "      renewBeforeDays: 14\n    options:\n      customTimeouts:\n        create: 3s\n  billing-worker:";
    fs.writeFileSync(programPath, program.replace(resource, bounded));
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("fails that create, naming the timeout, before Atlas acted; the other certificate is created", async () => {
    await emulator.control.injectFaults([
      { method: "POST", pathIncludes: "/databaseUsers/orders-api/certs", delayMs: FOREVER_MS },
    ]);
    const up = await project.pulumi(["up", "--yes"]);
    await emulator.control.clearFaults();
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(
      `Atlas API POST /api/atlas/v2/groups/${emulator.projectId}/databaseUsers/orders-api/certs failed: timed out ` +
        "(the resource's customTimeouts.create of 3s ran out).",
    );
    const deployment = await project.exportState();
    expect(resourcesOf(deployment, PLUGIN_MANAGED_CERTIFICATE).map((r) => r.outputs?.username)).toEqual([
      "billing-worker",
    ]);
    expect(deployment.pending_operations ?? []).toEqual([]);
    expect(await emulator.control.issuedCertificates(emulator.projectId, "orders-api")).toEqual([]);
  });

  it("after the timeout, the next `pulumi up` without the delay issues exactly one certificate", async () => {
    await emulator.control.resetRequests();
    await project.pulumiOk(["up", "--yes"]);
    expect((await atlasCalls(emulator)).filter((call) => call.startsWith("POST"))).toEqual([
      `POST /api/atlas/v2/groups/${emulator.projectId}/databaseUsers/orders-api/certs`,
    ]);
    const issued = await emulator.control.issuedCertificates(emulator.projectId, "orders-api");
    expect(issued).toHaveLength(1);
    const [certificate] = resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE).filter(
      (r) => r.outputs?.username === "orders-api",
    );
    expect(certificate?.outputs?.serialNumber).toBe(issued[0]!.serialNumber);
    await project.pulumiOk(["destroy", "--yes"]);
  });
});

describe("Ctrl-C during `pulumi up` on the dynamic route, while Atlas answers the certificate POST", () => {
  let emulator: Emulator;
  let project: UserProject;
  const user = "orders-api";

  beforeAll(async () => {
    ({ emulator, project } = await projectWithEmulator("examples/managed-certs", [user], "mongodbatlas"));
    await project.pulumiOk(["config", "set", "--path", "services[0]", user]);
    // The dynamic-provider host ignores Cancel: only the attempt's own timeout ends the held POST.
    await project.setConfig("atlas-x509:requestTimeoutSeconds", "5");
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("lets the create in flight run to its end (its attempt times out), then ends the up without lock or pending create", async () => {
    const issued = async () => (await emulator.control.issuedCertificates(emulator.projectId, user)).length;
    const run = await upStoppedWithCtrlC(project, emulator, async () => (await issued()) === 1);
    expect(run.code).not.toBe(0);
    const shown = run.stdout + run.stderr;
    expect(shown).toContain("^C received; cancelling");
    expect(shown).toContain(
      `Atlas API POST /api/atlas/v2/groups/${emulator.projectId}/databaseUsers/${user}/certs failed: timed out ` +
        "(no complete response within 5000 ms). Hint: Atlas may have issued a certificate before the failure",
    );
    expect(shown).not.toContain("cancelled (");
    const deployment = await project.exportState();
    expect(resourcesOf(deployment, MANAGED_CERTIFICATE)).toEqual([]);
    expect(deployment.pending_operations ?? []).toEqual([]);

    await project.pulumiOk(["up", "--yes"]);
    expect(await emulator.control.issuedCertificates(emulator.projectId, user)).toHaveLength(2);
    await project.pulumiOk(["destroy", "--yes"]);
  });

  it("after that, a customTimeouts.create shorter than Atlas's answer does not bound the create: the host does not pass it on", async () => {
    // The program as a user bounds its certificates: 1 s, against a POST that Atlas answers after 3 s. On the plugin
    // route this fails after 1 s (above); here the create waits for the answer, within requestTimeoutSeconds.
    const programPath = path.join(project.dir, "index.ts");
    const program = fs.readFileSync(programPath, "utf8");
    const resourceEnd = "      renewBeforeDays: 14,\n    }),";
    if (!program.includes(resourceEnd)) throw new Error("examples/managed-certs changed: adjust this test");
    fs.writeFileSync(
      programPath,
      program.replace(resourceEnd, `      renewBeforeDays: 14,\n    }, { customTimeouts: { create: "1s" } }),`),
    );
    await project.setConfig("atlas-x509:requestTimeoutSeconds", "60");
    await emulator.control.resetRequests();
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: "/certs", delayMs: 3_000 }]);
    try {
      await project.pulumiOk(["up", "--yes"]);
    } finally {
      await emulator.control.clearFaults();
    }
    expect((await atlasCalls(emulator)).filter((call) => call.startsWith("POST"))).toHaveLength(1);
    const [certificate] = resourcesOf(await project.exportState(), MANAGED_CERTIFICATE);
    const issued = await emulator.control.issuedCertificates(emulator.projectId, user);
    expect(certificate?.outputs?.serialNumber).toBe(issued.at(-1)!.serialNumber);
    await project.pulumiOk(["destroy", "--yes"]);
  });
});
