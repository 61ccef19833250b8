// Independent clients against the emulator: curl's digest implementation, the digest-fetch npm client, and
// OpenSSL checks of an issued certificate (subject, EKU, chain to the project CA, key match).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type Emulator } from "../../emulator/index";
import { V2_ACCEPT } from "../support/atlas-http";

const run = promisify(execFile);
const TIMEOUT = { timeout: 15_000 };
const repoRoot = path.resolve(__dirname, "..", "..");

let emulator: Emulator;
let dir: string;
let certsUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "alice", x509Type: "MANAGED" }] });
  certsUrl = `${emulator.baseUrl}/api/atlas/v2/groups/${emulator.projectId}/databaseUsers/alice/certs`;
  dir = await mkdtemp(path.join(tmpdir(), "atlas-emulator-"));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

function curl(...args: string[]) {
  const { publicKey, privateKey } = emulator.credentials;
  return run(
    "curl",
    ["-sS", "--digest", "-u", `${publicKey}:${privateKey}`, "-H", `Accept: ${V2_ACCEPT}`, ...args],
    TIMEOUT,
  );
}

describe("curl and openssl", () => {
  let certFile: string;
  let keyFile: string;
  let caFile: string;

  beforeAll(async () => {
    const { stdout } = await curl(
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"monthsUntilExpiration":2}',
      "-w",
      "\n%{http_code}",
      certsUrl,
    );
    const status = stdout.slice(stdout.lastIndexOf("\n") + 1);
    expect(status).toBe("201");
    const pem = stdout.slice(0, stdout.lastIndexOf("\n"));
    certFile = path.join(dir, "cert.pem");
    keyFile = path.join(dir, "key.pem");
    caFile = path.join(dir, "ca.pem");
    await writeFile(certFile, /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(pem)![0]);
    await writeFile(keyFile, /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(pem)![0]);
    await writeFile(caFile, await emulator.control.caCertificate(emulator.projectId));
  });

  it("curl --digest lists the certificate, with the serial openssl reads", async () => {
    const { stdout: list } = await curl(certsUrl);
    const id = /"_id":(\d+)/.exec(list)![1]!;
    const { stdout: serial } = await run("openssl", ["x509", "-noout", "-serial", "-in", certFile], TIMEOUT);
    expect(BigInt(`0x${serial.trim().replace(/^serial=/, "")}`).toString()).toBe(id);
  });

  it("openssl sees subject CN=alice and a critical clientAuth extended key usage", async () => {
    const { stdout } = await run(
      "openssl",
      ["x509", "-noout", "-subject", "-ext", "extendedKeyUsage,keyUsage", "-in", certFile],
      TIMEOUT,
    );
    expect(stdout).toMatch(/^subject=CN ?= ?alice$/m);
    expect(stdout).toMatch(/X509v3 Extended Key Usage: critical\s+TLS Web Client Authentication/);
    expect(stdout).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
  });

  it("openssl verifies the certificate against the project CA", async () => {
    const { stdout } = await run("openssl", ["verify", "-CAfile", caFile, certFile], TIMEOUT);
    expect(stdout.trim()).toBe(`${certFile}: OK`);
  });

  it("openssl finds the same public key in the certificate and the private key", async () => {
    const { stdout: fromCert } = await run("openssl", ["x509", "-noout", "-pubkey", "-in", certFile], TIMEOUT);
    const { stdout: fromKey } = await run("openssl", ["pkey", "-pubout", "-in", keyFile], TIMEOUT);
    expect(fromCert).toContain("-----BEGIN PUBLIC KEY-----");
    expect(fromCert).toBe(fromKey);
  });
});

describe("digest-fetch (the npm digest client)", () => {
  it("lists, lists in parallel on one nonce, and creates a certificate", async () => {
    await emulator.control.resetRequests();
    const script = `
      import DigestClient from "digest-fetch";
      const client = new DigestClient(process.env.PUB, process.env.PRIV);
      const url = process.env.CERTS_URL;
      const headers = () => ({ Accept: "${V2_ACCEPT}" });
      const first = await client.fetch(url + "?itemsPerPage=10", { headers: headers() });
      const parallel = await Promise.all([1, 2, 3, 4, 5].map(() => client.fetch(url + "?itemsPerPage=10", { headers: headers() })));
      const created = await client.fetch(url, {
        method: "POST",
        headers: { ...headers(), "Content-Type": "application/json" },
        body: JSON.stringify({ monthsUntilExpiration: 1 }),
      });
      const pem = await created.text();
      console.log(JSON.stringify({ statuses: [first.status, ...parallel.map((r) => r.status), created.status], pem: pem.slice(0, 27) }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      ...TIMEOUT,
      cwd: repoRoot,
      env: {
        ...process.env,
        PUB: emulator.credentials.publicKey,
        PRIV: emulator.credentials.privateKey,
        CERTS_URL: certsUrl,
      },
    });
    expect(JSON.parse(stdout)).toEqual({
      statuses: [200, 200, 200, 200, 200, 200, 201],
      pem: "-----BEGIN CERTIFICATE-----",
    });
    const requests = await emulator.control.requests();
    expect(requests.filter((r) => !r.authenticated)).toHaveLength(1); // one challenge, then the nonce is reused
    expect(await emulator.control.counts()).toEqual({
      "GET /groups/{groupId}/databaseUsers/{username}/certs": 6,
      "POST /groups/{groupId}/databaseUsers/{username}/certs": 1,
    });
  });
});
