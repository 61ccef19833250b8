// PEM text and X.509 certificates: splitting bundles into blocks, and describing certificates with Node's
// native X509Certificate. Pure functions; nothing here talks to Atlas.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";

export interface PemBlock {
  /** 1-based position in the text, for messages that must not echo the block itself. */
  index: number;
  label: string;
  /** The block re-emitted canonically: LF line endings, 64-column base64, trailing newline. */
  pem: string;
}

export interface PemScan {
  blocks: PemBlock[];
  /** Whether anything but white space stands outside the PEM blocks. */
  hasStrayText: boolean;
  /** Blocks that are opened and never closed, or closed under another label. */
  unterminated: number;
}

const blockPattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

export function scanPem(text: string): PemScan {
  const blocks: PemBlock[] = [];
  let unterminated = 0;
  let outside = "";
  let last = 0;
  for (const match of text.matchAll(blockPattern)) {
    const [whole, label, body, endLabel] = match;
    outside += text.slice(last, match.index);
    last = match.index + whole.length;
    if (label !== endLabel) {
      unterminated++;
      continue;
    }
    const base64 = body.replace(/\s+/g, "");
    const lines = base64.match(/.{1,64}/g) ?? [];
    blocks.push({
      index: blocks.length + 1,
      label,
      pem: `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`,
    });
  }
  outside += text.slice(last);
  unterminated += (outside.match(/-----BEGIN /g) ?? []).length;
  const hasStrayText = outside.replace(/-----BEGIN [A-Z0-9 ]+-----/g, "").trim().length > 0;
  return { blocks, hasStrayText, unterminated };
}

export function isPrivateKeyLabel(label: string): boolean {
  return /PRIVATE KEY/.test(label);
}

export interface CertificateInfo {
  /** RFC 2253 form, most specific first, as Atlas reports it ("CN=app-service"). */
  subject: string;
  issuer: string;
  /** Decimal, exact: Atlas serials exceed 2^53. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER encoding, as `openssl x509 -fingerprint -sha256` prints it. */
  sha256Fingerprint: string;
  isCertificateAuthority: boolean;
}

export function parseCertificate(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

export function describeCertificate(cert: X509Certificate): CertificateInfo {
  return {
    subject: toRfc2253(cert.subject),
    issuer: toRfc2253(cert.issuer),
    serialNumber: BigInt(`0x${cert.serialNumber}`).toString(10),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    sha256Fingerprint: cert.fingerprint256,
    isCertificateAuthority: cert.ca,
  };
}

/** Node prints names one attribute per line, least specific first; RFC 2253 joins them in reverse. */
function toRfc2253(multiline: string): string {
  return multiline.split("\n").filter(Boolean).reverse().join(",");
}

export interface CertificateAndKey {
  certificatePem: string;
  privateKeyPem: string;
  certificate: X509Certificate;
}

/**
 * Splits the body of `POST .../certs` (certificate, then private key) and proves they belong together.
 * Messages never include the text, since it holds a private key.
 */
export function splitCertificateAndKey(text: string): CertificateAndKey {
  const { blocks } = scanPem(text);
  const certificates = blocks.filter((b) => b.label === "CERTIFICATE");
  const keys = blocks.filter((b) => isPrivateKeyLabel(b.label));
  if (certificates.length !== 1 || keys.length !== 1) {
    throw new Error(
      `expected one certificate and one private key in the PEM Atlas returned, found ${certificates.length} ` +
        `certificate(s) and ${keys.length} private key(s)`,
    );
  }
  const certificate = parseCertificate(certificates[0].pem);
  let key: KeyObject;
  try {
    key = createPrivateKey(keys[0].pem);
  } catch {
    throw new Error("the private key Atlas returned could not be parsed");
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new Error("the private key Atlas returned does not belong to the certificate it returned");
  }
  return { certificatePem: certificates[0].pem, privateKeyPem: keys[0].pem, certificate };
}
