import {
  checkCustomerX509Inputs,
  diffCustomerX509Config,
  outputsFromAtlas,
  parseCaBundle,
  sameBundle,
} from "../../provider/resources/customerX509Config";
import { daysFromNow, makeCertificate } from "../../scripts/lib/pki";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";
const now = new Date();
const root = makeCertificate({ commonName: "Corp Root CA" });
const intermediate = makeCertificate({ commonName: "Corp Issuing CA", issuer: root });
const leaf = makeCertificate({ commonName: "alice", isCa: false, issuer: intermediate });
const expired = makeCertificate({ commonName: "Old CA", notBefore: daysFromNow(-400), notAfter: daysFromNow(-1) });
const expiringSoon = makeCertificate({ commonName: "Short CA", notAfter: daysFromNow(10) });
const chain = root.certificatePem + intermediate.certificatePem;

describe("CA bundle validation", () => {
  it("accepts a root and intermediate chain", () => {
    const bundle = parseCaBundle(chain, now);
    expect(bundle.failures).toEqual([]);
    expect(bundle.certificates.map((c) => c.subject)).toEqual([root.subject, intermediate.subject]);
    expect(bundle.canonicalPem).toBe(chain);
  });

  it("accepts CRLF line endings and extra blank lines", () => {
    expect(parseCaBundle(`\n\n${chain.replace(/\n/g, "\r\n")}\r\n\r\n`, now).failures).toEqual([]);
  });

  it.each([
    ["a private key inside", () => chain + leaf.privateKeyPem, "cas[block 3]", /private key/],
    ["a leaf certificate", () => chain + leaf.certificatePem, "cas[block 3]", /not a CA certificate/],
    ["an expired CA", () => expired.certificatePem, "cas[block 1]", /expired on .*EXPIRED_X509_CA_CERTIFICATE/],
    ["garbage", () => "hello world", "cas[text]", /outside PEM blocks/],
    ["empty text", () => "  \n", "cas", /one or more PEM CA certificates/],
    ["a number", () => 42, "cas", /got 42/],
    ["a duplicate", () => chain + root.certificatePem, "cas[block 3]", /repeats block 1/],
    [
      "a broken body",
      () => "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      "cas[block 1]",
      /not a valid X\.509/,
    ],
    ["1 MB of text", () => chain + "x".repeat(1024 * 1024), "cas[size]", /at most 262144 bytes/],
  ])("rejects %s, naming the block", (_name, bundle, property, reason) => {
    const { failures } = parseCaBundle(bundle(), now);
    expect(failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  it("never echoes a pasted private key in its failures", () => {
    const { failures } = parseCaBundle(chain + leaf.privateKeyPem, now);
    const keyBody = leaf.privateKeyPem.split("\n")[1];
    expect(JSON.stringify(failures)).not.toContain(keyBody);
    expect(failures.every((f) => f.property !== "cas")).toBe(true);
  });

  it("never names the cas field itself for text the engine would echo, such as a key body without PEM lines", () => {
    const keyBody = leaf.privateKeyPem.split("\n").slice(1, -2).join("\n");
    const { failures } = parseCaBundle(keyBody, now);
    expect(failures.map((f) => f.property)).toEqual(["cas[text]", "cas[text]"]);
    expect(JSON.stringify(failures)).not.toContain(keyBody.split("\n")[0]);
  });

  it("reports every problem at once", () => {
    const { failures } = checkCustomerX509Inputs(
      { projectId: "x", cas: expired.certificatePem + leaf.certificatePem, expiryWarningDays: -1 },
      now,
    );
    expect(failures.map((f) => f.property)).toEqual(["projectId", "expiryWarningDays", "cas[block 1]", "cas[block 2]"]);
  });

  it("lists CAs that expire within expiryWarningDays as warnings, not failures", () => {
    const result = checkCustomerX509Inputs({ projectId, cas: expiringSoon.certificatePem + chain }, now);
    expect(result.failures).toEqual([]);
    expect(result.expiringSoon.map((c) => c.subject)).toEqual([expiringSoon.subject]);
    expect(
      checkCustomerX509Inputs({ projectId, cas: expiringSoon.certificatePem, expiryWarningDays: 5 }, now).expiringSoon,
    ).toEqual([]);
  });
});

describe("CA bundle comparison", () => {
  it("ignores line endings, blank lines, wrapping and order", () => {
    const rewrapped = chain.replace(/\n/g, "\r\n\r\n");
    expect(sameBundle(chain, rewrapped)).toBe(true);
    expect(sameBundle(chain, intermediate.certificatePem + root.certificatePem)).toBe(true);
  });

  it("sees an added, removed or changed certificate", () => {
    expect(sameBundle(chain, chain + expiringSoon.certificatePem)).toBe(false);
    expect(sameBundle(chain, root.certificatePem)).toBe(false);
    expect(sameBundle(root.certificatePem, expiringSoon.certificatePem)).toBe(false);
  });

  it("updates in place for a changed bundle, replaces for a changed project, and ignores whitespace", () => {
    const olds = outputsFromAtlas({ projectId, expiryWarningDays: 30 }, chain);
    const news = { projectId, cas: chain, expiryWarningDays: 30 };
    expect(diffCustomerX509Config(olds, { ...news, cas: chain.replace(/\n/g, "\r\n") }).changes).toBe(false);
    expect(diffCustomerX509Config(olds, { ...news, cas: root.certificatePem })).toEqual({
      changes: true,
      replaces: [],
      diffs: ["cas"],
      deleteBeforeReplace: false,
    });
    expect(diffCustomerX509Config(olds, { ...news, projectId: "000000000000000000000000" }).replaces).toEqual([
      "projectId",
    ]);
  });

  it("summarizes the stored certificates and the earliest expiry", () => {
    const outs = outputsFromAtlas({ projectId, expiryWarningDays: 30 }, chain + expiringSoon.certificatePem);
    expect(outs.certificates).toHaveLength(3);
    expect(outs.earliestNotAfter).toBe(outs.certificates[2].notAfter);
    expect(Object.keys(outs.certificates[0]).sort()).toEqual([
      "issuer",
      "notAfter",
      "notBefore",
      "serialNumber",
      "sha256Fingerprint",
      "subject",
    ]);
  });
});
