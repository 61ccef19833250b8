import { X509Certificate } from "node:crypto";
import { describeCertificate, scanPem, splitCertificateAndKey } from "../../provider/pem";
import { makeCertificate } from "../../scripts/lib/pki";

describe("PEM handling", () => {
  const ca = makeCertificate({ commonName: "Test Root CA" });
  const leaf = makeCertificate({ commonName: "app-service", isCa: false, issuer: ca });

  it("splits the certificate and key Atlas returns and proves they belong together", () => {
    const { certificatePem, privateKeyPem } = splitCertificateAndKey(leaf.certificatePem + leaf.privateKeyPem);
    expect(certificatePem).toBe(leaf.certificatePem);
    expect(privateKeyPem).toBe(leaf.privateKeyPem);
  });

  it("rejects a key that belongs to another certificate without echoing it", () => {
    expect(() => splitCertificateAndKey(leaf.certificatePem + ca.privateKeyPem)).toThrow(/does not belong/);
    try {
      splitCertificateAndKey(leaf.certificatePem + ca.privateKeyPem);
    } catch (err) {
      expect(String(err)).not.toContain("PRIVATE KEY");
    }
  });

  it("rejects a body without exactly one certificate and one key", () => {
    expect(() => splitCertificateAndKey(leaf.certificatePem)).toThrow(/found 1 certificate\(s\) and 0 private key/);
  });

  it("describes a certificate with an exact decimal serial and ISO dates", () => {
    const info = describeCertificate(new X509Certificate(leaf.certificatePem));
    const hexSerial = new X509Certificate(leaf.certificatePem).serialNumber;
    expect(info.serialNumber).toBe(BigInt(`0x${hexSerial}`).toString());
    expect(info.subject).toBe("CN=app-service,O=Example Corp");
    expect(info.issuer).toBe("CN=Test Root CA,O=Example Corp");
    expect(info.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(info.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.isCertificateAuthority).toBe(false);
  });

  it("canonicalizes CRLF and re-wrapped blocks and notices stray text", () => {
    const crlf = ca.certificatePem.replace(/\n/g, "\r\n");
    const scan = scanPem(`\r\n\r\n${crlf}\r\n`);
    expect(scan.blocks.map((b) => b.pem)).toEqual([ca.certificatePem]);
    expect(scan.hasStrayText).toBe(false);
    expect(scanPem(`hello\n${ca.certificatePem}`).hasStrayText).toBe(true);
    expect(scanPem(`-----BEGIN CERTIFICATE-----\nAAAA\n`).unterminated).toBe(1);
  });
});
