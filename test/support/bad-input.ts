// The bad-input corpus's fixtures, shared by test/against-emulator/bad-input.test.ts (the whole corpus through each
// provider's check) and test/engine/bad-input-preview.test.ts (a sample through the real engine's preview):
// credentials, certificates, key material that must never be echoed, and the emulator both files start.
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { daysFromNow, makeCertificate } from "../../scripts/lib/pki";

export const PROJECT_ID = "5f1a2b3c4d5e6f7a8b9c0d1e";
export const PUBLIC_KEY = "qwertyui";
export const API_PRIVATE_KEY = randomUUID();
export const CLIENT_ID = `mdb_sa_id_${randomBytes(12).toString("hex")}`;
export const CLIENT_SECRET = `mdb_sa_sk_${randomBytes(20).toString("hex")}`;
export const URL_PASSWORD = "Pa55w0rd-in-a-url";

export const root = makeCertificate({ commonName: "Corp Root CA" });
export const intermediate = makeCertificate({ commonName: "Corp Issuing CA", issuer: root });
export const leaf = makeCertificate({ commonName: "alice", isCa: false, issuer: intermediate });
export const expiredCa = makeCertificate({
  commonName: "Old CA",
  notBefore: daysFromNow(-400),
  notAfter: daysFromNow(-1),
});
export const chain = root.certificatePem + intermediate.certificatePem;

const rsaKey = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ecKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
export const pkcs1KeyPem = rsaKey.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
export const ecKeyPem = ecKey.privateKey.export({ type: "sec1", format: "pem" }).toString();
export const encryptedKeyPem = rsaKey.privateKey
  .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "not-secret-here" })
  .toString();
export const publicKeyPem = rsaKey.publicKey.export({ type: "spki", format: "pem" }).toString();
/** A private key pasted without its BEGIN/END lines. */
export const bareKeyBody = leaf.privateKeyPem.split("\n").slice(1, -2).join("\n");
export const corruptCertificate = root.certificatePem.replace(
  /^(-----BEGIN CERTIFICATE-----\n)(.{20})/,
  "$1AAAAAAAAAAAAAAAAAAAA",
);

/** Lines of key material that must never show up in a failure, a warning or the engine's echo of a value. */
const keyLines = [leaf.privateKeyPem, root.privateKeyPem, pkcs1KeyPem, ecKeyPem, encryptedKeyPem].flatMap((pem) =>
  pem.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----")),
);
export const SECRETS = [API_PRIVATE_KEY, CLIENT_SECRET, URL_PASSWORD, ...keyLines];

/** Which of SECRETS appear in a text shown to a user. */
export function leakedSecrets(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

/** The emulator of both files: their project, API keys and service account; users with awkward names. */
export function startBadInputEmulator(): Promise<Emulator> {
  return startEmulator({
    keyBits: 2048,
    projectId: PROJECT_ID,
    publicKey: PUBLIC_KEY,
    privateKey: API_PRIVATE_KEY,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    seedUsers: [
      { username: "app-service", x509Type: "MANAGED" },
      { username: "CN=app,OU=services,O=Example Corp", x509Type: "MANAGED" },
      { username: "ünïcødé-ユーザー", x509Type: "MANAGED" },
      { username: "team/app?v=1#x 100%", x509Type: "MANAGED" },
    ],
  });
}
