// Each example, the way a user runs it: a copy of the folder with this package installed from its `npm pack`
// tarball, and the `pulumi` CLI itself (with its Node.js language host and ts-node) run in it against the
// emulator on loopback. The steps of one example build on each other and say so in their names.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import type { UserProject } from "../../scripts/lib/user-project";
import { bundleCertificates } from "../support/fixtures";
import { findPlainSecrets } from "../support/state";
import {
  CUSTOMER_X509_CONFIG,
  initStack,
  MANAGED_CERTIFICATE,
  plainSecretsIn,
  resourcesOf,
  serializedProviders,
  userProjectFrom,
} from "../support/user-projects";
import { mutualTlsClientName, opensslCheck } from "../support/x509-checks";

jest.setTimeout(300_000);

interface ClientOutput {
  certificateKeyPem: string;
  notAfter: string;
  serialNumber: string;
  connectionString: string;
}

describe("examples/managed-certs as a user's project", () => {
  let emulator: Emulator;
  let project: UserProject;
  const services = ["orders-api", "billing-worker"];

  beforeAll(async () => {
    emulator = await startEmulator({
      keyBits: 2048,
      seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
    });
    project = userProjectFrom("examples/managed-certs");
    await initStack(project, emulator);
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("previews one certificate per service without calling Atlas", async () => {
    await emulator.control.resetRequests();
    const preview = await project.pulumiOk(["preview"]);
    for (const name of services)
      expect(preview.stdout).toMatch(new RegExp(`\\+ +${MANAGED_CERTIFICATE} ${name} create`));
    expect(preview.stdout).toMatch(/\+ 3 to create/);
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("after the preview, `pulumi up` issues both certificates and stores them, secrets encrypted", async () => {
    const up = await project.pulumiOk(["up", "--yes"]);
    expect(up.stdout).toMatch(/\+ 3 created/);
    const deployment = await project.exportState();
    const certificates = resourcesOf(deployment, MANAGED_CERTIFICATE);
    expect(certificates.map((r) => r.outputs?.username).sort()).toEqual([...services].sort());
    for (const name of services)
      expect(await emulator.control.issuedCertificates(emulator.projectId, name)).toHaveLength(1);
    // As installed from a tarball, each resource's provider is one require() of the package's shim.
    for (const serialized of serializedProviders(deployment)) {
      expect(serialized.length).toBeLessThanOrEqual(1024);
      expect(serialized).toContain('require("pulumi-atlas-x509/shims/managedX509Certificate")');
      expect(findPlainSecrets(serialized, [emulator.baseUrl, emulator.credentials.publicKey])).toEqual([]);
    }
  });

  it("after up, `pulumi stack output --show-secrets` gives each service a PEM that openssl and a TLS server accept", async () => {
    const output = await project.pulumiOk(["stack", "output", "clients", "--json", "--show-secrets"]);
    const clients = JSON.parse(output.stdout) as Record<string, ClientOutput>;
    expect(Object.keys(clients).sort()).toEqual([...services].sort());
    const ca = await emulator.control.caCertificate(emulator.projectId);
    for (const name of services) {
      const client = clients[name]!;
      const verdict = await opensslCheck(ca, client.certificateKeyPem);
      expect(verdict).toEqual({ verify: "cert.pem: OK", keyMatches: true, serialNumber: client.serialNumber });
      expect(await mutualTlsClientName(ca, client.certificateKeyPem)).toBe(name);
    }
    // Without --show-secrets the CLI hides the key.
    const hidden = await project.pulumiOk(["stack", "output", "clients", "--json"]);
    expect(hidden.stdout).not.toContain("PRIVATE KEY");
  });

  it("after up, neither the exported state nor the backend's files hold a key or the API secret in plain text", async () => {
    const output = await project.pulumiOk(["stack", "output", "clients", "--json", "--show-secrets"]);
    const keys = Object.values(JSON.parse(output.stdout) as Record<string, ClientOutput>).map(
      (c) => c.certificateKeyPem,
    );
    const exported = JSON.stringify(await project.exportState());
    const stackConfig = fs.readFileSync(path.join(project.dir, "Pulumi.dev.yaml"), "utf8");
    expect(plainSecretsIn([exported, project.backendContents(), stackConfig], emulator, keys)).toEqual([]);
  });

  it("after up, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do", async () => {
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await emulator.control.resetRequests();
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    // Only reads of the users' certificate lists, one per user in each pass: `pulumi refresh` previews, then applies.
    const calls = (await emulator.control.requests()).filter((r) => r.status !== 401);
    expect(calls.map((r) => `${r.method} ${r.path.replace(/^.*\/databaseUsers\//, "")}`).sort()).toEqual(
      services.flatMap((name) => [`GET ${name}/certs`, `GET ${name}/certs`]).sort(),
    );
  });

  it("after up, `pulumi destroy` empties the stack and says the certificates stay valid", async () => {
    const destroy = await project.pulumiOk(["destroy", "--yes"]);
    expect(destroy.stdout).toMatch(/- 3 deleted/);
    expect(destroy.stdout).toMatch(/cannot revoke|stays valid|remain valid/i);
    expect(resourcesOf(await project.exportState(), MANAGED_CERTIFICATE)).toEqual([]);
  });
});

describe("examples/customer-pki as a user's project", () => {
  let emulator: Emulator;
  let project: UserProject;
  const bundle = fs.readFileSync(path.join(__dirname, "..", "..", "examples", "customer-pki", "corp-ca.pem"), "utf8");

  beforeAll(async () => {
    emulator = await startEmulator({ keyBits: 2048 });
    project = userProjectFrom("examples/customer-pki");
    await initStack(project, emulator);
  });
  afterAll(async () => {
    project?.dispose();
    await emulator?.close();
  });

  it("previews the CA bundle without calling Atlas", async () => {
    await emulator.control.resetRequests();
    const preview = await project.pulumiOk(["preview"]);
    expect(preview.stdout).toMatch(new RegExp(`\\+ +${CUSTOMER_X509_CONFIG} corp-pki create`));
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("after the preview, `pulumi up` uploads the bundle and exports what it trusts", async () => {
    await project.pulumiOk(["up", "--yes"]);
    const configs = resourcesOf(await project.exportState(), CUSTOMER_X509_CONFIG);
    expect(configs).toHaveLength(1);
    const view = await emulator.control.userSecurity(emulator.projectId);
    expect(certificateBodies(view.customerX509?.cas ?? "")).toEqual(certificateBodies(bundle));
    const trusted = JSON.parse(
      (await project.pulumiOk(["stack", "output", "trustedCas", "--json"])).stdout,
    ) as string[];
    expect(trusted).toEqual(bundleCertificates(bundle).map((ca) => `${ca.subject} (until ${ca.notAfter})`));
    expect(trusted).toEqual([
      expect.stringMatching(/^CN=Example Corp Root CA,O=Example Corp \(until /),
      expect.stringMatching(/^CN=Example Corp Issuing CA,O=Example Corp \(until /),
    ]);
    for (const serialized of serializedProviders(await project.exportState())) {
      expect(serialized.length).toBeLessThanOrEqual(1024);
    }
  });

  it("after up, `preview --expect-no-changes` and `refresh --expect-no-changes` find nothing to do", async () => {
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await project.pulumiOk(["refresh", "--yes", "--expect-no-changes"]);
    const exported = JSON.stringify(await project.exportState());
    expect(plainSecretsIn([exported, project.backendContents()], emulator)).toEqual([]);
  });

  it("after up, `pulumi destroy` disables self-managed X.509 in the project", async () => {
    await project.pulumiOk(["destroy", "--yes"]);
    expect((await emulator.control.userSecurity(emulator.projectId)).customerX509?.cas).toBeUndefined();
    expect(resourcesOf(await project.exportState(), CUSTOMER_X509_CONFIG)).toEqual([]);
  });
});

function certificateBodies(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)].map((m) =>
    m[1]!.replace(/\s+/g, ""),
  );
}
