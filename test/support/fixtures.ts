// Facts a test derives from its fixture files rather than writing them down (a CA's expiry date, for one), so that a
// renewed fixture never makes a test fail on a stale literal.
import { describeCertificate, parseCertificate, scanPem, type CertificateInfo } from "../../provider/pem";

/** Each certificate of a PEM bundle, in order, as the provider describes it (subject, notAfter as ISO 8601, ...). */
export function bundleCertificates(bundle: string): CertificateInfo[] {
  return scanPem(bundle).blocks.map((block) => describeCertificate(parseCertificate(block.pem)));
}
