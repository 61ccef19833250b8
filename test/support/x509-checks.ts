// Checks of issued client material by independent tools: openssl for the chain, purpose and key match, and a real
// mutual-TLS handshake on loopback with the PEM a driver's tlsCertificateKeyFile would hold.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { promisify } from "node:util";
import { makeCertificate } from "../../scripts/lib/pki";

const run = promisify(execFile);

export interface OpensslVerdict {
  /** `openssl verify -purpose sslclient` output, e.g. "cert.pem: OK". */
  verify: string;
  /** The certificate's public key equals the private key's. */
  keyMatches: boolean;
  /** Decimal serial as openssl reads it. */
  serialNumber: string;
}

/** Splits a `certificateKeyPem` (certificate, then key) and lets openssl judge it against the CA. */
export async function opensslCheck(caPem: string, certificateKeyPem: string): Promise<OpensslVerdict> {
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certificateKeyPem)?.[0];
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(certificateKeyPem)?.[0];
  if (!certificate || !key) throw new Error("certificateKeyPem holds no certificate and PKCS#8 key");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "x509-check-"));
  try {
    fs.writeFileSync(path.join(dir, "ca.pem"), caPem);
    fs.writeFileSync(path.join(dir, "cert.pem"), certificate + "\n");
    fs.writeFileSync(path.join(dir, "key.pem"), key + "\n", { mode: 0o600 });
    const openssl = (args: string[]) => run("openssl", args, { cwd: dir, timeout: 10_000 }).then((r) => r.stdout);
    const verify = (await openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "cert.pem"])).trim();
    const certificateKey = await openssl(["x509", "-in", "cert.pem", "-noout", "-pubkey"]);
    const privateKey = await openssl(["pkey", "-in", "key.pem", "-pubout"]);
    const serial = (await openssl(["x509", "-in", "cert.pem", "-noout", "-serial"])).trim().replace("serial=", "");
    return { verify, keyMatches: certificateKey === privateKey, serialNumber: BigInt(`0x${serial}`).toString() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A TLS server on 127.0.0.1 that requires a client certificate issued by `clientCaPem` (as a cluster trusting
 * the Atlas project's CA does); connects with `certificateKeyPem` and returns the subject CN the server saw.
 */
export async function mutualTlsClientName(clientCaPem: string, certificateKeyPem: string): Promise<string> {
  const serverCa = makeCertificate({ commonName: "Test Server CA" });
  const serverIdentity = makeCertificate({
    commonName: "127.0.0.1",
    isCa: false,
    usage: "serverAuth",
    issuer: serverCa,
  });
  const server = tls.createServer({
    cert: serverIdentity.certificatePem,
    key: serverIdentity.privateKeyPem,
    ca: clientCaPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const peer = new Promise<string>((resolve) =>
    server.on("secureConnection", (socket) => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      cert: certificateKeyPem,
      key: certificateKeyPem,
      ca: serverCa.certificatePem,
      checkServerIdentity: () => undefined,
    });
    await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    const name = await peer;
    socket.destroy();
    return name;
  } finally {
    server.close();
  }
}
