// keyPool (benchmarks): key pairs generated at start and handed out in turn; every certificate stays distinct and
// its key still matches it.
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, seg } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;

beforeAll(async () => {
  emulator = await startEmulator({
    keyBits: 1024,
    keyPool: 2,
    seedUsers: [{ username: "alice", x509Type: "MANAGED" }],
  });
  atlas = new AtlasCaller(emulator);
});
afterAll(() => emulator.close());

async function issue(): Promise<{ certificate: X509Certificate; publicKeyPem: string }> {
  const response = await atlas.call("POST", `/groups/${emulator.projectId}/databaseUsers/${seg("alice")}/certs`, {
    body: { monthsUntilExpiration: 3 },
  });
  expect(response.status).toBe(201);
  const certificate = new X509Certificate(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(response.text)![0],
  );
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(response.text)![0];
  expect(certificate.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
  const publicKeyPem = createPublicKey(keyPem).export({ type: "spki", format: "pem" }).toString();
  return { certificate, publicKeyPem };
}

it("hands out the pooled key pairs in turn, one distinct certificate per POST", async () => {
  const issued = [await issue(), await issue(), await issue()];
  expect(new Set(issued.map((i) => i.certificate.serialNumber)).size).toBe(3);
  expect(issued[0].publicKeyPem).not.toBe(issued[1].publicKeyPem);
  expect(issued[2].publicKeyPem).toBe(issued[0].publicKeyPem);
});
