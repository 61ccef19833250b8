// A `pulumi up` killed (SIGKILL to the CLI's whole process group, as a CI runner that times out does) after Atlas
// issued a certificate and before its answer reached the engine, and the documented way back to a clean stack:
// `pulumi cancel`, `pulumi refresh --clear-pending-creates`, `pulumi up`. The emulator acts on the POST and holds
// its answer, so the kill lands in exactly that window. The engine starts the dynamic-provider plugin in a process
// group of its own, and that plugin never notices its engine is gone: the test ends it.
import { startEmulator, type Emulator } from "../../emulator";
import { killAll, processesUnder, waitUntilGone } from "../../scripts/lib/processes";
import { killGroup, type UserProject } from "../../scripts/lib/user-project";
import { initStack, MANAGED_CERTIFICATE, plainSecretsIn, resourcesOf, userProjectFrom } from "../support/user-projects";
import { waitUntil } from "../support/wait";

jest.setTimeout(300_000);

const user = "orders-api";
const certsPath = `/databaseUsers/${user}/certs`;

describe("a `pulumi up` killed between Atlas's answer and the engine's record", () => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: user, x509Type: "MANAGED" }] });
    project = userProjectFrom("examples/managed-certs");
    await initStack(project, emulator);
    await project.pulumiOk(["config", "set", "--path", "services[0]", user]);
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("leaves a locked stack with a pending create, and no key anywhere on disk", async () => {
    await emulator.control.injectFaults([{ method: "POST", pathIncludes: certsPath, holdMs: 120_000 }]);
    let processGroup: number | undefined;
    const up = project.pulumi(["up", "--yes"], { onStart: (group) => (processGroup = group) });
    await waitUntil(async () => (await emulator.control.issuedCertificates(emulator.projectId, user)).length === 1);
    killGroup(processGroup);
    expect((await up).signal).toBe("SIGKILL");
    await emulator.control.clearFaults();
    // What outlives the kill: the dynamic-provider plugin (its launcher script and node), orphaned, in the project.
    const orphans = processesUnder(project.dir);
    expect(orphans.map((p) => p.command).join("\n")).toMatch(/cmd\/dynamic-provider/);
    killAll(orphans);
    expect(await waitUntilGone(() => processesUnder(project.dir), 10_000)).toEqual([]);

    const deployment = await project.exportState();
    expect(resourcesOf(deployment, MANAGED_CERTIFICATE)).toEqual([]);
    expect(deployment.pending_operations?.map((op) => [op.type, op.resource.urn.split("::").pop()])).toEqual([
      ["creating", user],
    ]);
    expect(plainSecretsIn([JSON.stringify(deployment), project.backendContents()], emulator)).toEqual([]);

    const next = await project.pulumi(["up", "--yes"]);
    expect(next.code).not.toBe(0);
    expect(next.stderr).toMatch(/locked[\s\S]*pulumi cancel/);
  });

  it("after the kill, `pulumi cancel` and `pulumi refresh --clear-pending-creates` clear the stack", async () => {
    await project.pulumiOk(["cancel", "--yes"]);
    await project.pulumiOk(["refresh", "--yes", "--clear-pending-creates"]);
    const deployment = await project.exportState();
    expect(deployment.pending_operations ?? []).toEqual([]);
    expect(resourcesOf(deployment, MANAGED_CERTIFICATE)).toEqual([]);
  });

  it("after clearing, `pulumi up` issues a new certificate; the lost one stays listed by Atlas until it expires", async () => {
    const up = await project.pulumiOk(["up", "--yes"]);
    expect(up.stdout).not.toMatch(/pending operations/);
    const [certificate] = resourcesOf(await project.exportState(), MANAGED_CERTIFICATE);
    const issued = await emulator.control.issuedCertificates(emulator.projectId, user);
    expect(issued).toHaveLength(2);
    expect(certificate?.outputs?.serialNumber).toBe(issued[1]!.serialNumber);
    expect(issued[0]!.expired).toBe(false);
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);

    const exported = JSON.stringify(await project.exportState());
    expect(plainSecretsIn([exported, project.backendContents()], emulator)).toEqual([]);
    await project.pulumiOk(["destroy", "--yes"]);
  });
});
