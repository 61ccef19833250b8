// A small test PKI: CA and leaf certificates with chosen validity, for the CA-bundle tests and TLS checks.
// Keys come from Node's crypto (fast); node-forge assembles and signs the certificates.
import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
  subject: string;
}

export interface CertificateSpec {
  commonName: string;
  isCa?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  /** Signs with this CA; self-signed when absent. */
  issuer?: TestCertificate;
  keyBits?: number;
  /** For leaf certificates (isCa false): what the certificate is for. Default clientAuth. */
  usage?: "clientAuth" | "serverAuth";
}

const dayMs = 24 * 60 * 60 * 1000;
let serial = 1000;

export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * dayMs);
}

export function makeCertificate(spec: CertificateSpec): TestCertificate {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: spec.keyBits ?? 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  ) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = (serial++).toString(16).padStart(4, "0");
  cert.validity.notBefore = spec.notBefore ?? daysFromNow(-1);
  cert.validity.notAfter = spec.notAfter ?? daysFromNow(365);
  const subject = [
    { shortName: "O", value: "Example Corp" },
    { shortName: "CN", value: spec.commonName },
  ];
  cert.setSubject(subject);
  const issuerCert = spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certificatePem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  cert.setExtensions(
    spec.isCa === false
      ? [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, critical: true },
          { name: "extKeyUsage", [spec.usage ?? "clientAuth"]: true },
        ]
      : [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        ],
  );
  const signingKey = spec.issuer ? forge.pki.privateKeyFromPem(spec.issuer.privateKeyPem) : forgeKey;
  cert.sign(signingKey, forge.md.sha256.create());
  return {
    certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"),
    privateKeyPem,
    subject: `CN=${spec.commonName},O=Example Corp`,
  };
}
