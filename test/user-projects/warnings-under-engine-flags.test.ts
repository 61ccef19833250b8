// The provider's warnings reach the user whatever flags `pulumi` runs with. The engine passes its own flags
// (`-v=3` under `--logflow`, `--tracing <collector address>`) to the plugins before its address; a plugin that took
// the wrong argument for the address would send its warnings to stderr instead, which the engine shows, if at all,
// as a plugin's output (`info#err`), never as a warning. Both routes, run as a user runs them: a YAML project on the
// provider plugin (warnings about their resource) and a TypeScript project on the dynamic resources (warnings about
// the stack: the dynamic-provider plugin is never told a resource's URN). `--json` gives each diagnostic's
// severity and resource.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { daysFromNow, makeCertificate } from "../../scripts/lib/pki";
import type { UserProject } from "../../scripts/lib/user-project";
import { engineDiagnostics, setCredentials, userProjectFrom } from "../support/user-projects";

jest.setTimeout(600_000);

const expiring = makeCertificate({ commonName: "Expiring Root CA", isCa: true, notAfter: daysFromNow(10) });

interface Route {
  name: string;
  source: string;
  namespace: "atlas-x509" | "mongodbatlas";
  /** Whether the engine tells each warning's resource: the plugin route names it, the dynamic route cannot. */
  namesResource: boolean;
}

const routes: Route[] = [
  {
    name: "a YAML project on the provider plugin",
    source: "test/user-projects/projects/warnings-yaml",
    namespace: "atlas-x509",
    namesResource: true,
  },
  {
    name: "a TypeScript project on the dynamic resources",
    source: "test/user-projects/projects/warnings-ts",
    namespace: "mongodbatlas",
    namesResource: false,
  },
];

const flagSets: { name: string; flags: (project: UserProject) => string[] }[] = [
  { name: "no flags", flags: () => [] },
  { name: "--logflow -v=3", flags: () => ["--logflow", "-v=3"] },
  { name: "--tracing file:<path>", flags: (project) => ["--tracing", `file:${path.join(project.root, "run.trace")}`] },
];

describe.each(routes)("$name", ({ source, namespace, namesResource }) => {
  let emulator: Emulator;
  let project: UserProject;

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: [{ username: "app-service", x509Type: "MANAGED" }],
      projects: [{ name: "pki" }],
    });
    project = userProjectFrom(source);
    fs.writeFileSync(path.join(project.dir, "expiring-ca.pem"), expiring.certificatePem);
    await project.pulumiOk(["stack", "init", "dev"]);
    await project.setConfig("projectId", emulator.projectId);
    await project.setConfig("pkiProjectId", emulator.projects.pki!);
    await setCredentials(project, emulator, namespace);
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it.each(flagSets)(
    "with $name, `pulumi up` warns of the expiring CA and `pulumi destroy` that Atlas cannot revoke, as engine warnings",
    async ({ flags }) => {
      // About the resource, or else about no resource or the stack: the CLI shows both under the stack.
      const about = (type: string, name: string) =>
        expect.stringMatching(namesResource ? `::${type}::${name}$` : /^(|.*::pulumi:pulumi:Stack::[^:]+)$/);
      const up = await engineDiagnostics(project, ["up", "--yes", ...flags(project)]);
      expect(up).toContainEqual({
        severity: "warning",
        urn: about("atlas-x509:index:CustomerX509Config", "expiring-pki"),
        message: expect.stringContaining(`CA "${expiring.subject}" expires on`),
      });
      const destroy = await engineDiagnostics(project, ["destroy", "--yes", ...flags(project)]);
      expect(destroy).toContainEqual({
        severity: "warning",
        urn: about("atlas-x509:index:ManagedX509Certificate", "app"),
        message: expect.stringContaining("Atlas cannot revoke"),
      });
    },
  );
});
