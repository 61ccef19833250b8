// A change of an explicit provider's settings, as a user makes it in a copy of examples/yaml-two-organizations:
// one organization moves from its API key to a service account, behind a proxy (a new baseUrl for the same Atlas).
// `pulumi preview --diff` shows which settings change, secrets masked, and no replacement of the certificates the
// provider manages; `pulumi up` updates the provider alone, without an Atlas write.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import type { UserProject } from "../../scripts/lib/user-project";
import { startFrontProxy, type FrontProxy } from "../support/front-proxy";
import { findPlainSecrets } from "../support/state";
import { atlasCalls, PLUGIN_MANAGED_CERTIFICATE, resourcesOf, twoOrganizationsProject } from "../support/user-projects";

jest.setTimeout(300_000);

/** A step of `pulumi preview --json`. */
interface PreviewStep {
  op: string;
  urn: string;
  detailedDiff?: Record<string, { kind: string; inputDiff: boolean }> | null;
}

describe("an explicit provider's settings changed: new baseUrl (a proxy) and a service account", () => {
  let retail: Emulator;
  let analytics: Emulator;
  let proxy: FrontProxy;
  let project: UserProject;
  let certificatesBefore: string[];
  /**
   * Each certificate's URN, id and serial: what a replacement would change. Sorted, because the engine writes
   * resources that no dependency orders in whatever order their steps finish.
   */
  const certificates = async () =>
    resourcesOf(await project.exportState(), PLUGIN_MANAGED_CERTIFICATE)
      .map((r) => `${r.urn} ${r.id} ${String(r.outputs?.serialNumber)}`)
      .sort();

  beforeAll(async () => {
    [retail, analytics] = await Promise.all([
      startEmulator({ keyBits: 2048, seedUsers: [{ username: "checkout-api", x509Type: "MANAGED" }] }),
      startEmulator({ keyBits: 2048, seedUsers: [{ username: "reporting-job", x509Type: "MANAGED" }] }),
    ]);
    proxy = await startFrontProxy(retail.baseUrl);
    project = await twoOrganizationsProject({ retail, analytics });
    await project.pulumiOk(["up", "--yes"]);
    certificatesBefore = await certificates();
    expect(certificatesBefore).toHaveLength(2);
  });
  afterAll(async () => {
    project?.dispose();
    await Promise.all([retail?.close(), analytics?.close(), proxy?.close()]);
  });

  it("`pulumi preview --diff` shows the changed settings of that provider, secrets masked, and replaces nothing", async () => {
    // The program gives the retail provider a service account (which wins over its API key) ...
    const programPath = path.join(project.dir, "Pulumi.yaml");
    const program = fs.readFileSync(programPath, "utf8");
    const retailProvider = "      baseUrl: ${retailBaseUrl}\n  analytics:";
    if (!program.includes(retailProvider)) throw new Error("examples/yaml-two-organizations changed: adjust this test");
    const withServiceAccount = program
      .replace(
        retailProvider,
        "      baseUrl: ${retailBaseUrl}\n      clientId: ${retailClientId}\n      clientSecret: ${retailClientSecret}\n  analytics:",
      )
      .replace(
        "config:\n",
        "config:\n  retailClientId:\n    type: string\n  retailClientSecret:\n    type: string\n    secret: true\n",
      );
    fs.writeFileSync(programPath, withServiceAccount);
    await project.setConfig("retailClientId", retail.credentials.clientId);
    await project.setConfig("retailClientSecret", retail.credentials.clientSecret, { secret: true });
    // ... and reaches Atlas through a proxy.
    await project.setConfig("retailBaseUrl", proxy.baseUrl);
    await retail.control.resetRequests();

    const preview = await project.pulumiOk(["preview", "--diff"]);
    const shown = preview.stdout + preview.stderr;
    expect(shown).toMatch(/~ pulumi:providers:atlas-x509: \(update\)[\s\S]*\[urn=[^\]]+::retail\]/);
    expect(shown).toContain(`~ baseUrl     : "${retail.baseUrl}" => "${proxy.baseUrl}"`);
    expect(shown).toContain(`+ clientId    : "${retail.credentials.clientId}"`);
    expect(shown).toContain("+ clientSecret: [secret]");
    expect(shown).not.toMatch(/replace/i);
    expect(shown).toMatch(/~ 1 to update/);
    expect(findPlainSecrets(shown, [retail.credentials.clientSecret, retail.credentials.privateKey])).toEqual([]);
    // The provider's own detailed diff, as tools reading `--json` get it.
    const json = await project.pulumiOk(["preview", "--json"]);
    const steps = (JSON.parse(json.stdout) as { steps: PreviewStep[] }).steps;
    const changed = steps.filter((step) => step.op !== "same");
    expect(changed.map((step) => [step.op, step.urn.split("::").pop()])).toEqual([["update", "retail"]]);
    expect(changed[0]!.detailedDiff).toEqual({
      baseUrl: { kind: "update", inputDiff: true },
      clientId: { kind: "add", inputDiff: true },
      clientSecret: { kind: "add", inputDiff: true },
    });
    expect(await atlasCalls(retail)).toEqual([]);
  });

  it("then `pulumi up` updates the provider alone: no Atlas request, the certificates stay as they were", async () => {
    await Promise.all([retail.control.resetRequests(), analytics.control.resetRequests()]);
    const up = await project.pulumiOk(["up", "--yes"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    expect(await atlasCalls(retail)).toEqual([]);
    expect(await atlasCalls(analytics)).toEqual([]);
    expect(proxy.intercepted).toBe(0);
    expect(await certificates()).toEqual(certificatesBefore);
  });

  it("after the change, `pulumi refresh` reads through the proxy with the service account and finds no change", async () => {
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    const requests = await retail.control.requests();
    expect(requests.some((r) => r.method === "POST" && r.path === "/api/oauth/token" && r.status === 200)).toBe(true);
    expect(requests.some((r) => r.method === "GET" && r.path.includes("/databaseUsers/checkout-api/certs"))).toBe(true);
    await project.pulumiOk(["destroy", "--yes"]);
  });
});
