// The structure of an X.509 certificate read straight from its DER (node-forge's ASN.1 parser), so two certificates
// can be compared field by field: attribute order and string types, extensions with their criticality and exact
// bytes, the serial's length, validity encodings, key and signature sizes. Random values (serial, key, signature,
// dates) are reported separately or only by size.
import { X509Certificate } from "node:crypto";
import forge from "node-forge";

export interface NameAttribute {
  /** Short name where known ("CN", "OU", "O"), else the OID. */
  type: string;
  /** ASN.1 string type: "PrintableString", "UTF8String", ... */
  tag: string;
  value: string;
}

export interface CertificateStructure {
  version: number;
  serialBytes: number;
  signatureAlgorithm: string;
  /** Whether the signature AlgorithmIdentifier carries an explicit NULL, as RSA's should. */
  signatureParametersNull: boolean;
  issuer: NameAttribute[];
  subject: NameAttribute[];
  notBeforeTag: string;
  notAfterTag: string;
  publicKey: { type: string; bits: number; exponent: bigint };
  extensions: Array<{ oid: string; critical: boolean; valueHex: string }>;
  signatureBytes: number;
}

const TAGS: Record<number, string> = {
  12: "UTF8String",
  19: "PrintableString",
  20: "TeletexString",
  22: "IA5String",
  23: "UTCTime",
  24: "GeneralizedTime",
  30: "BMPString",
};
const SHORT_NAMES: Record<string, string> = { "2.5.4.3": "CN", "2.5.4.11": "OU", "2.5.4.10": "O", "2.5.4.6": "C" };

type Node = forge.asn1.Asn1;

function children(node: Node): Node[] {
  if (!Array.isArray(node.value)) throw new Error("expected a constructed ASN.1 value");
  return node.value as Node[];
}

function bytes(node: Node): string {
  if (typeof node.value !== "string") throw new Error("expected a primitive ASN.1 value");
  return node.value;
}

function name(node: Node): NameAttribute[] {
  return children(node).flatMap((rdn) =>
    children(rdn).map((attribute) => {
      const [oid, value] = children(attribute) as [Node, Node];
      const oidText = forge.asn1.derToOid(bytes(oid));
      const raw = bytes(value);
      return {
        type: SHORT_NAMES[oidText] ?? oidText,
        tag: TAGS[value.type] ?? `tag ${value.type}`,
        value: value.type === 12 ? forge.util.decodeUtf8(raw) : raw,
      };
    }),
  );
}

export function certificateStructure(pem: string): CertificateStructure {
  const block = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!block) throw new Error("no PEM certificate");
  const der = forge.util.decode64(block[1]!.replace(/\s+/g, ""));
  const [tbs, signatureAlgorithm, signature] = children(forge.asn1.fromDer(der)) as [Node, Node, Node];
  const fields = children(tbs);
  let i = 0;
  let version = 1;
  if (fields[0]!.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && fields[0]!.type === 0) {
    version = bytes(children(fields[0]!)[0]!).charCodeAt(0) + 1;
    i = 1;
  }
  const serial = fields[i]!;
  const algorithm = children(fields[i + 1]!);
  const issuer = fields[i + 2]!;
  const [notBefore, notAfter] = children(fields[i + 3]!) as [Node, Node];
  const subject = fields[i + 4]!;
  const extensionsWrapper = fields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
  const extensions = extensionsWrapper
    ? children(children(extensionsWrapper)[0]!).map((extension) => {
        const parts = children(extension);
        const critical = parts.length === 3 && bytes(parts[1]!).charCodeAt(0) !== 0;
        return {
          oid: forge.asn1.derToOid(bytes(parts[0]!)),
          critical,
          valueHex: forge.util.bytesToHex(bytes(parts[parts.length - 1]!)),
        };
      })
    : [];
  const key = new X509Certificate(pem).publicKey;
  // The BIT STRING's first byte counts unused bits; the rest is the signature.
  const signatureBytes = bytes(signature).length - 1;
  expectSame(algorithm, children(signatureAlgorithm));
  return {
    version,
    serialBytes: bytes(serial).length,
    signatureAlgorithm: forge.asn1.derToOid(bytes(algorithm[0]!)),
    signatureParametersNull: algorithm.length === 2 && algorithm[1]!.type === forge.asn1.Type.NULL,
    issuer: name(issuer),
    subject: name(subject),
    notBeforeTag: TAGS[notBefore.type] ?? `tag ${notBefore.type}`,
    notAfterTag: TAGS[notAfter.type] ?? `tag ${notAfter.type}`,
    publicKey: {
      type: key.asymmetricKeyType ?? "unknown",
      bits: key.asymmetricKeyDetails?.modulusLength ?? 0,
      exponent: key.asymmetricKeyDetails?.publicExponent ?? 0n,
    },
    extensions,
    signatureBytes,
  };
}

/** The algorithm inside the TBS and the outer one must agree (RFC 5280 §4.1.1.2). */
function expectSame(inner: Node[], outer: Node[]): void {
  const text = (nodes: Node[]) => forge.asn1.toDer(forge.asn1.create(0, 16, true, nodes)).getBytes();
  if (text(inner) !== text(outer)) throw new Error("the TBS and outer signature algorithms differ");
}

/** The serial number (as the list's `_id` writes it) of a PEM certificate. */
export function decimalSerial(pem: string): string {
  return BigInt(`0x${new X509Certificate(pem).serialNumber}`).toString(10);
}
