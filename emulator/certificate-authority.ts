// A per-project emulator CA that issues Atlas-managed user certificates. Keys come from Node's native crypto
// (fast); node-forge only assembles the X.509 structure, and the signature is computed natively too.
// Certificate shape copied from the recorded Atlas certificate (certs-create-201): issuer attributes in DER order
// CN=<projectId>, OU=Atlas, O=MongoDB Inc, subject CN=<username>, all PrintableString; only keyUsage
// digitalSignature and extKeyUsage clientAuth, both critical; SHA-256 with RSA; an 8-byte serial; notBefore
// back-dated one hour (= the list's createdAt). The CA key has the issued keys' size (Atlas's signs with RSA 4096).
import { generateKeyPair, randomBytes, sign, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { addCalendarMonths, truncateToSeconds } from "./clock";

const ONE_HOUR_MS = 60 * 60 * 1000;
const CA_LIFETIME_YEARS = 30;

export interface RsaKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** The public key parsed once for node-forge, so bulk issuing can reuse it cheaply. */
  forgePublicKey: forge.pki.PublicKey;
}

export interface IssuedCertificate {
  serial: bigint;
  createdAt: Date;
  notAfter: Date;
  /** RFC 2253 subject as the list endpoint reports it. */
  subject: string;
  certificatePem: string;
}

export function generateRsaKeyPair(bits: number): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength: bits, publicExponent: 0x10001 }, (error, publicKey, privateKey) => {
      if (error) return reject(error);
      const spki = publicKey.export({ type: "spki", format: "pem" }).toString();
      resolve({ publicKey, privateKey, forgePublicKey: forge.pki.publicKeyFromPem(spki) });
    });
  });
}

/**
 * PKCS#8 ("BEGIN PRIVATE KEY"), the label real Atlas is believed to use. Unconfirmed: the recorded POST certs
 * answer (certs-create-201) has its key redacted, so `RSA PRIVATE KEY` is not ruled out.
 */
export function privateKeyPem(keys: RsaKeyPair): string {
  return keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * A random positive 63-bit serial of at least 2^60, so it is always above 2^53 (as real ones are) and its
 * 8-byte DER encoding never needs a sign byte.
 */
export function randomSerial(): bigint {
  const low = 2n ** 60n;
  const span = 2n ** 63n - low;
  return low + (BigInt("0x" + randomBytes(8).toString("hex")) % span);
}

export class ProjectCertificateAuthority {
  private constructor(
    private readonly issuerAttributes: forge.pki.CertificateField[],
    private readonly keys: RsaKeyPair,
    readonly certificatePem: string,
  ) {}

  static async create(projectId: string, now: Date, keyBits: number): Promise<ProjectCertificateAuthority> {
    const keys = await generateRsaKeyPair(keyBits);
    // forge writes attributes in the order given, PrintableString unless told otherwise.
    const issuer: forge.pki.CertificateField[] = [
      { shortName: "CN", value: projectId },
      { shortName: "OU", value: "Atlas" },
      { shortName: "O", value: "MongoDB Inc" },
    ];
    const cert = forge.pki.createCertificate();
    cert.serialNumber = serialHex(randomSerial());
    cert.validity.notBefore = truncateToSeconds(new Date(now.getTime() - 24 * ONE_HOUR_MS));
    cert.validity.notAfter = addCalendarMonths(truncateToSeconds(now), CA_LIFETIME_YEARS * 12);
    cert.setSubject(issuer);
    cert.setIssuer(issuer);
    cert.publicKey = keys.forgePublicKey;
    cert.setExtensions([
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ]);
    signNatively(cert, keys.privateKey);
    return new ProjectCertificateAuthority(issuer, keys, toPem(cert));
  }

  issue(request: {
    username: string;
    keys: RsaKeyPair;
    issuedAt: Date;
    months: number;
    serial: bigint;
  }): IssuedCertificate {
    const issuedAt = truncateToSeconds(request.issuedAt);
    const createdAt = new Date(issuedAt.getTime() - ONE_HOUR_MS);
    const notAfter = addCalendarMonths(issuedAt, request.months);
    const cert = forge.pki.createCertificate();
    cert.serialNumber = serialHex(request.serial);
    cert.validity.notBefore = createdAt;
    cert.validity.notAfter = notAfter;
    cert.setSubject([commonName(request.username)]);
    cert.setIssuer(this.issuerAttributes);
    cert.publicKey = request.keys.forgePublicKey;
    cert.setExtensions([
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", clientAuth: true, critical: true },
    ]);
    signNatively(cert, this.keys.privateKey);
    return {
      serial: request.serial,
      createdAt,
      notAfter,
      subject: `CN=${escapeRfc2253(request.username)}`,
      certificatePem: toPem(cert),
    };
  }
}

// forge's typings declare the tag class enum loosely.
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.pki.CertificateField["valueTagClass"];
const PRINTABLE = forge.asn1.Type.PRINTABLESTRING as unknown as forge.pki.CertificateField["valueTagClass"];
/** X.680's PrintableString alphabet. */
const PRINTABLE_STRING = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * CN=<username> as PrintableString, as recorded; a name outside that alphabet ("@", "_", non-ASCII) becomes a
 * UTF8String, which is what X.509 libraries fall back to (Atlas's choice for such names was not recorded).
 */
function commonName(username: string): forge.pki.CertificateField {
  return PRINTABLE_STRING.test(username)
    ? { shortName: "CN", value: username, valueTagClass: PRINTABLE }
    : { shortName: "CN", value: forge.util.encodeUtf8(username), valueTagClass: UTF8 };
}

function serialHex(serial: bigint): string {
  return serial.toString(16).padStart(16, "0");
}

/** Same steps as forge's cert.sign(), but the RSA signature comes from native crypto (much faster). */
function signNatively(cert: forge.pki.Certificate, caKey: KeyObject): void {
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  const tbs = (
    forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }
  ).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  cert.signature = sign("sha256", der, caKey).toString("binary");
}

/** forge writes CRLF line endings; Atlas (Java) and OpenSSL write LF. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

/** RFC 2253 §2.4 escaping, so DN-looking usernames stay one CN value in the reported subject. */
export function escapeRfc2253(value: string): string {
  return value
    .replace(/[,+"\\<>;]/g, (c) => "\\" + c)
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}
