// ManagedX509CertificateProvider against the emulator over real HTTP with real digest auth; the issued material
// is checked with openssl and a real mutual-TLS handshake.
import { X509Certificate } from "node:crypto";
import { AtlasApiError } from "../../provider/atlas/errors";
import { ProviderContext } from "../../provider/context";
import {
  ManagedX509CertificateProvider,
  parseCertificateId,
  type ManagedX509CertificateInputs,
  type ManagedX509CertificateOutputs,
} from "../../provider/resources/managedX509Certificate";
import { startEmulator, type Emulator } from "../../emulator";
import { makeCertificate } from "../../scripts/lib/pki";
import { providerHarness } from "../support/provider-harness";
import { mutualTlsClientName, opensslCheck } from "../support/x509-checks";

const LIST = "GET /groups/{groupId}/databaseUsers/{username}/certs";
const CREATE = "POST /groups/{groupId}/databaseUsers/{username}/certs";

let emulator: Emulator;
let provider: ManagedX509CertificateProvider;
let warnings: string[];
let projectId: string;

beforeAll(async () => {
  emulator = await startEmulator({
    keyBits: 2048,
    certsPerUserLimit: 5000,
    seedUsers: [
      { username: "app-service", x509Type: "MANAGED" },
      { username: "svc.with.dots", x509Type: "MANAGED" },
      { username: "reporting", x509Type: "MANAGED" },
      { username: "paged", x509Type: "MANAGED" },
      { username: "scram-user", x509Type: "NONE" },
    ],
  });
  projectId = emulator.projectId;
  const harness = providerHarness(emulator);
  provider = new ManagedX509CertificateProvider(harness.context);
  warnings = harness.warnings;
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.resetRequests();
  await emulator.control.setClockOffset(0);
  warnings.length = 0;
});

function inputs(overrides: Partial<ManagedX509CertificateInputs> = {}): ManagedX509CertificateInputs {
  return { projectId, username: "app-service", monthsUntilExpiration: 3, ...overrides };
}

async function create(overrides: Partial<ManagedX509CertificateInputs> = {}) {
  const result = await provider.create(inputs(overrides));
  return { id: result.id, outs: result.outs as ManagedX509CertificateOutputs };
}

describe("create", () => {
  it("issues one certificate with one POST and takes every output from it", async () => {
    const { id, outs } = await create({ monthsUntilExpiration: 12 });
    expect(await emulator.control.counts()).toEqual({ [CREATE]: 1 });
    const issued = await emulator.control.issuedCertificates(projectId, "app-service");
    expect(issued.map((c) => c.serialNumber)).toContain(outs.serialNumber);
    expect(BigInt(outs.serialNumber)).toBeGreaterThan(2n ** 53n);
    expect(parseCertificateId(id)).toEqual({ projectId, username: "app-service", serialNumber: outs.serialNumber });
    expect(outs.subject).toBe("CN=app-service");
    // certificateKeyPem, notBefore and sha256Fingerprint are derived in the program, not stored.
    expect(outs).not.toHaveProperty("certificateKeyPem");
    const notBefore = new X509Certificate(outs.certificatePem).validFrom;
    const months = (Date.parse(outs.notAfter) - Date.parse(notBefore)) / (30.4 * 86_400_000);
    expect(Math.round(months)).toBe(12);
    expect(id).not.toContain("PRIVATE");
  });

  it("escapes usernames with dots in the path", async () => {
    const { outs } = await create({ username: "svc.with.dots" });
    expect(outs.subject).toBe("CN=svc.with.dots");
    expect((await emulator.control.requests()).some((r) => r.path.endsWith("/databaseUsers/svc.with.dots/certs"))).toBe(
      true,
    );
  });

  it("issues material that openssl verifies against the project's CA", async () => {
    const { outs } = await create();
    const verdict = await opensslCheck(
      await emulator.control.caCertificate(projectId),
      outs.certificatePem + outs.privateKeyPem,
    );
    expect(verdict).toEqual({ verify: "cert.pem: OK", keyMatches: true, serialNumber: outs.serialNumber });
  });

  it("issues a certificate and key that a mutual-TLS server trusting the Atlas CA accepts", async () => {
    const { outs } = await create();
    // The driver's tlsCertificateKeyFile holds exactly this: certificate, then key.
    const pem = outs.certificatePem + outs.privateKeyPem;
    expect(await mutualTlsClientName(await emulator.control.caCertificate(projectId), pem)).toBe("app-service");
  });

  it("explains that a user who is not MANAGED cannot get a certificate", async () => {
    const failure = provider.create(inputs({ username: "scram-user" }));
    await expect(failure).rejects.toBeInstanceOf(AtlasApiError);
    await expect(failure).rejects.toMatchObject({ status: 400, errorCode: "USER_NOT_MANAGED_X509" });
    await expect(failure).rejects.toThrow(/x509Type.*MANAGED/);
  });

  it("explains that a project with a customer CA cannot issue managed certificates", async () => {
    const otherProject = await emulator.control.createProject();
    await emulator.control.createUser(otherProject, "app-service", "MANAGED");
    await emulator.control.setCustomerX509(otherProject, makeCertificate({ commonName: "Corp CA" }).certificatePem);
    const failure = provider.create(inputs({ projectId: otherProject }));
    await expect(failure).rejects.toMatchObject({ errorCode: "CANNOT_GENERATE_CERT_IF_ADVANCED_X509" });
    await expect(failure).rejects.toThrow(/CustomerX509Config|customer/i);
  });

  it("names an unknown user", async () => {
    await expect(provider.create(inputs({ username: "nobody" }))).rejects.toMatchObject({
      status: 404,
      errorCode: "USERNAME_NOT_FOUND",
    });
  });
});

describe("read", () => {
  it("refreshes a certificate Atlas still lists", async () => {
    const { id, outs } = await create();
    const read = await provider.read(id, outs);
    expect(read).toEqual({ id, props: outs });
  });

  it("reports an expired certificate as gone", async () => {
    const { id, outs } = await create({ monthsUntilExpiration: 1 });
    await emulator.control.advanceClock(40);
    expect(await provider.read(id, outs)).toEqual({});
  });

  it("reports the certificate of a deleted user as gone", async () => {
    await emulator.control.createUser(projectId, "short-lived", "MANAGED");
    const { id, outs } = await create({ username: "short-lived" });
    await emulator.control.deleteUser(projectId, "short-lived");
    expect(await provider.read(id, outs)).toEqual({});
  });

  it("finds a certificate beyond the first page", async () => {
    await emulator.control.seedCertificates(projectId, "paged", 650);
    const { id, outs } = await create({ username: "paged" });
    await emulator.control.resetRequests();
    const read = await provider.read(id, outs);
    expect(read.id).toBe(id);
    const pages = (await emulator.control.requests()).filter((r) => r.method === "GET" && r.authenticated);
    expect(pages.map((r) => r.query.pageNum).filter((p) => p !== undefined)).toEqual(
      expect.arrayContaining(["1", "2"]),
    );
  });

  it("lists a user once for the reads of many of that user's certificates", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await create({ username: "reporting" }));
    await emulator.control.resetRequests();
    const reads = await Promise.all(created.map(({ id, outs }) => provider.read(id, outs)));
    expect(reads.every((r) => r.id !== undefined)).toBe(true);
    expect((await emulator.control.counts())[LIST]).toBe(1);
  });

  it("refuses to invent state for an import", async () => {
    await expect(provider.read(`${projectId}/app-service/1`, undefined)).rejects.toThrow(/cannot be imported/);
  });
});

describe("update and delete", () => {
  it("updates renewBeforeDays without calling Atlas", async () => {
    const { id, outs } = await create();
    await emulator.control.resetRequests();
    const updated = await provider.update(id, outs, inputs({ renewBeforeDays: 7 }));
    expect(updated.outs).toEqual({ ...outs, renewBeforeDays: 7 });
    const cleared = await provider.update(id, updated.outs as ManagedX509CertificateOutputs, inputs());
    expect(cleared.outs).not.toHaveProperty("renewBeforeDays");
    expect(await emulator.control.counts()).toEqual({});
  });

  it("deletes without calling Atlas and warns that the certificate stays valid", async () => {
    const { id, outs } = await create();
    await emulator.control.resetRequests();
    await provider.delete(id, outs);
    expect(await emulator.control.counts()).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`stays valid until ${outs.notAfter}`);
    expect(warnings[0]).toContain("delete the database user");
  });
});

describe("configuration", () => {
  it("fails check with every settings problem and makes no API call", async () => {
    const context = new ProviderContext({
      config: { get: () => undefined },
      env: { MONGODB_ATLAS_PUBLIC_API_KEY: "abc" },
    });
    const unconfigured = new ManagedX509CertificateProvider(context);
    const { failures } = await unconfigured.check({}, inputs({ projectId: "bad" }));
    expect(failures?.map((f) => f.property)).toEqual(["projectId", "mongodbatlas:privateKey"]);
    await expect(unconfigured.create(inputs())).rejects.toThrow(/mongodbatlas:privateKey is not set/);
    expect(await emulator.control.counts()).toEqual({});
  });

  it("works with a service account instead of API keys", async () => {
    const { clientId, clientSecret } = emulator.credentials;
    const context = new ProviderContext({
      config: {
        get: (key) =>
          ({
            "mongodbatlas:baseUrl": emulator.baseUrl,
            "mongodbatlas:clientId": clientId,
            "mongodbatlas:clientSecret": clientSecret,
          })[key],
      },
      env: {},
    });
    const { outs } = await new ManagedX509CertificateProvider(context).create(inputs());
    expect(outs?.subject).toBe("CN=app-service");
  });
});

describe("diff", () => {
  it("warns why it replaces a certificate inside its renewal window", async () => {
    const { id, outs } = await create();
    const withRenewal = { ...outs, renewBeforeDays: 200 };
    const result = await provider.diff(id, withRenewal, inputs({ renewBeforeDays: 200 }));
    expect(result.replaces).toEqual(["notAfter"]);
    expect(warnings).toEqual([expect.stringContaining(`expires on ${outs.notAfter}, within renewBeforeDays (200)`)]);
    expect(await emulator.control.counts()).toMatchObject({ [CREATE]: 1 });
  });
});
