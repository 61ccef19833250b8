import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { describeCertificate } from "../../provider/pem";
import {
  ManagedX509Certificate,
  certificateId,
  checkManagedCertificateInputs,
  diffManagedCertificate,
  isInRenewalWindow,
  outputsFromIssuedPem,
  parseCertificateId,
  refreshFromListing,
  storedOutputs,
  type ManagedX509CertificateOutputs,
} from "../../provider/resources/managedX509Certificate";
import { unknownValue } from "../../provider/validation";
import { makeCertificate } from "../../scripts/lib/pki";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";
const storedKeys = [
  "certificatePem",
  "monthsUntilExpiration",
  "notAfter",
  "privateKeyPem",
  "projectId",
  "serialNumber",
  "subject",
  "username",
];
/** What version 0.1.0 stored beside the stored outputs. */
const legacyOutputs = { certificateKeyPem: "certkey", notBefore: "2026-08-10T02:06:35.000Z", sha256Fingerprint: "AA" };
const dayMs = 86_400_000;

function state(overrides: Partial<ManagedX509CertificateOutputs> = {}): ManagedX509CertificateOutputs {
  return {
    projectId,
    username: "app-service",
    monthsUntilExpiration: 3,
    certificatePem: "cert",
    privateKeyPem: "key",
    serialNumber: "1976722359483124370",
    subject: "CN=app-service",
    notAfter: "2026-11-10T03:06:35.000Z",
    ...overrides,
  };
}

describe("ManagedX509Certificate check", () => {
  it("accepts good inputs and fills in Atlas's default validity of 3 months", () => {
    const { inputs, failures } = checkManagedCertificateInputs({ projectId, username: "app.service" });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({ projectId, username: "app.service", monthsUntilExpiration: 3 });
  });

  it.each([
    [{ projectId: "abc" }, "projectId", /24 lowercase hexadecimal/],
    [{ projectId: projectId.toUpperCase() }, "projectId", /24 lowercase hexadecimal/],
    [{ username: "" }, "username", /MANAGED X\.509 database user/],
    [{ username: " app" }, "username", /white space/],
    [{ username: "a\u0000b" }, "username", /control characters/],
    [{ username: "x".repeat(1025) }, "username", /at most 1024/],
    [{ username: ".." }, "username", /no Atlas API path can name/],
    [{ username: "." }, "username", /no Atlas API path can name/],
    [{ monthsUntilExpiration: 0 }, "monthsUntilExpiration", /from 1 to 24 \(got 0\)/],
    [{ monthsUntilExpiration: 25 }, "monthsUntilExpiration", /from 1 to 24 \(got 25\)/],
    [{ monthsUntilExpiration: 2.5 }, "monthsUntilExpiration", /whole number/],
    [{ monthsUntilExpiration: "12" }, "monthsUntilExpiration", /got the string "12"/],
    [{ monthsUntilExpiration: -1 }, "monthsUntilExpiration", /from 1 to 24/],
    [{ renewBeforeDays: -1 }, "renewBeforeDays", /0 or more/],
    [{ renewBeforeDays: 1.5 }, "renewBeforeDays", /whole number/],
    [{ monthsUntilExpiration: 1, renewBeforeDays: 28 }, "renewBeforeDays", /shorter than the certificate's validity/],
  ])("rejects %j naming %s", (overrides, property, reason) => {
    const { failures } = checkManagedCertificateInputs({ projectId, username: "app", ...overrides });
    expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });

  it("reports every failing field at once", () => {
    const { failures } = checkManagedCertificateInputs({
      projectId: "nope",
      username: "",
      monthsUntilExpiration: 99,
      renewBeforeDays: -3,
    });
    expect(failures.map((f) => f.property)).toEqual([
      "projectId",
      "username",
      "monthsUntilExpiration",
      "renewBeforeDays",
    ]);
  });

  it("lets values unknown during preview pass", () => {
    const { failures } = checkManagedCertificateInputs({
      projectId: unknownValue,
      username: unknownValue,
      monthsUntilExpiration: unknownValue,
    });
    expect(failures).toEqual([]);
  });
});

describe("ManagedX509Certificate diff", () => {
  const now = new Date("2026-10-01T00:00:00Z");
  const inputs = { projectId, username: "app-service", monthsUntilExpiration: 3 };

  it.each([
    [{ projectId: "000000000000000000000000" }, ["projectId"]],
    [{ username: "other" }, ["username"]],
    [{ monthsUntilExpiration: 12 }, ["monthsUntilExpiration"]],
    [{ projectId: unknownValue }, ["projectId"]],
  ])("replaces when %j changes, creating the successor first", (change, replaces) => {
    expect(diffManagedCertificate(state(), { ...inputs, ...change }, now)).toEqual({
      changes: true,
      replaces,
      diffs: replaces,
      deleteBeforeReplace: false,
    });
  });

  it("updates in place when only renewBeforeDays changes", () => {
    expect(diffManagedCertificate(state(), { ...inputs, renewBeforeDays: 10 }, now)).toEqual({
      changes: true,
      replaces: [],
      diffs: ["renewBeforeDays"],
      deleteBeforeReplace: false,
    });
  });

  it("reports no change for identical inputs", () => {
    expect(diffManagedCertificate(state(), inputs, now).changes).toBe(false);
  });

  it("replaces once the renewal window opens, exactly at its edge", () => {
    const notAfter = Date.parse(state().notAfter);
    const justBefore = new Date(notAfter - 30 * dayMs - 1);
    const atEdge = new Date(notAfter - 30 * dayMs);
    const olds = state({ renewBeforeDays: 30 });
    expect(diffManagedCertificate(olds, { ...inputs, renewBeforeDays: 30 }, justBefore).changes).toBe(false);
    expect(diffManagedCertificate(olds, { ...inputs, renewBeforeDays: 30 }, atEdge)).toEqual({
      changes: true,
      replaces: ["notAfter"],
      diffs: ["notAfter"],
      deleteBeforeReplace: false,
    });
  });

  it("never rotates early without renewBeforeDays", () => {
    expect(isInRenewalWindow(state().notAfter, undefined, new Date(Date.parse(state().notAfter) - 1))).toBe(false);
    expect(isInRenewalWindow(state().notAfter, 0, new Date(Date.parse(state().notAfter)))).toBe(true);
  });
});

describe("ManagedX509Certificate state mapping", () => {
  it("round-trips ids with DN and dotted usernames, holding nothing secret", () => {
    for (const username of ["app.service", "CN=david@example.com,OU=users,DC=example,DC=com", "ünï/cöde"]) {
      const id = certificateId(projectId, username, "1976722359483124370");
      expect(parseCertificateId(id)).toEqual({ projectId, username, serialNumber: "1976722359483124370" });
    }
  });

  it("takes every output of a new certificate from the certificate itself", () => {
    const ca = makeCertificate({ commonName: "Atlas CA" });
    const leaf = makeCertificate({ commonName: "app-service", isCa: false, issuer: ca });
    const outs = outputsFromIssuedPem(
      { projectId, username: "app-service", monthsUntilExpiration: 3 },
      leaf.certificatePem + leaf.privateKeyPem,
    );
    expect(outs.certificatePem).toBe(leaf.certificatePem);
    expect(outs.privateKeyPem).toBe(leaf.privateKeyPem);
    expect(outs.subject).toBe("CN=app-service,O=Example Corp");
    expect(outs.serialNumber).toMatch(/^\d+$/);
    for (const value of Object.values(outs)) expect(["string", "number"]).toContain(typeof value);
    // What the program derives from these is not stored.
    expect(Object.keys(outs).sort()).toEqual(storedKeys);
  });

  it("stores only the stored outputs on update, dropping what version 0.1.0 also stored", () => {
    const legacy = { ...state(), ...legacyOutputs, __provider: "require(...)" };
    const outs = storedOutputs({ ...legacy, renewBeforeDays: 7 });
    expect(Object.keys(outs).sort()).toEqual([...storedKeys, "renewBeforeDays"].sort());
    expect(outs).toEqual({ ...state(), renewBeforeDays: 7 });
  });

  it("keeps every other stored output on refresh, an older version's included, so refresh shows no drift", () => {
    const legacy = { ...state(), ...legacyOutputs };
    const listed = [
      {
        serialNumber: legacy.serialNumber,
        createdAt: "",
        groupId: projectId,
        notAfter: legacy.notAfter,
        subject: legacy.subject,
      },
    ];
    expect(refreshFromListing(legacy, listed)).toEqual(legacy);
  });

  it("refreshes from the listing by serial and reports a missing serial as gone", () => {
    const listed = [
      {
        serialNumber: "1976722359483124370",
        createdAt: "",
        groupId: projectId,
        notAfter: "2026-11-10T03:06:35Z",
        subject: "CN=app-service",
      },
    ];
    expect(refreshFromListing(state(), listed)?.notAfter).toBe("2026-11-10T03:06:35.000Z");
    // One digit off beyond 2^53: a float comparison would have matched.
    expect(refreshFromListing(state({ serialNumber: "1976722359483124371" }), listed)).toBeUndefined();
  });
});

describe("ManagedX509Certificate resource", () => {
  it("derives certificateKeyPem (secret), notBefore and sha256Fingerprint in the program, whatever the state holds", async () => {
    const ca = makeCertificate({ commonName: "Atlas CA" });
    const leaf = makeCertificate({ commonName: "app-service", isCa: false, issuer: ca });
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          // A state written by version 0.1.0: the derived outputs stored too (stale values, to see they are unused).
          const stored = { certificatePem: leaf.certificatePem, privateKeyPem: leaf.privateKeyPem, ...legacyOutputs };
          return { id: "id", state: { ...args.inputs, ...stored } };
        },
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
    const certificate = new ManagedX509Certificate("app", { projectId, username: "app-service" });
    const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
    const info = describeCertificate(new X509Certificate(leaf.certificatePem));

    expect(await value(certificate.certificateKeyPem)).toBe(leaf.certificatePem + leaf.privateKeyPem);
    expect(await pulumi.isSecret(certificate.certificateKeyPem)).toBe(true);
    expect(await value(certificate.notBefore)).toBe(info.notBefore);
    expect(await value(certificate.sha256Fingerprint)).toBe(info.sha256Fingerprint);
    expect(await value(certificate.sha256Fingerprint)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
