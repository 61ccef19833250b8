// The bad-input corpus: inputs of both resources and provider settings that must be refused by `check`, before
// any Atlas request, each with a failure that names its field and echoes no secret. The whole corpus runs through
// the providers' `check` in-process (a real ProviderContext built from the case's stack config and environment)
// against the emulator, whose request log proves that no request went out; a sample runs through the real engine's
// `pulumi preview` in test/engine/bad-input-preview.test.ts. Valid but awkward inputs (DN and unicode usernames,
// CRLF bundles, 50 CAs) are accepted, and usernames are escaped on the wire.
import { ProviderContext } from "../../provider/context";
import { CustomerX509ConfigProvider } from "../../provider/resources/customerX509Config";
import { ManagedX509CertificateProvider } from "../../provider/resources/managedX509Certificate";
import type { CheckFailure } from "../../provider/validation";
import { type Emulator } from "../../emulator";
import { makeCertificate } from "../../scripts/lib/pki";
import {
  API_PRIVATE_KEY,
  bareKeyBody,
  chain,
  CLIENT_ID,
  CLIENT_SECRET,
  corruptCertificate,
  ecKeyPem,
  encryptedKeyPem,
  expiredCa,
  intermediate,
  leakedSecrets,
  leaf,
  pkcs1KeyPem,
  PROJECT_ID,
  publicKeyPem,
  PUBLIC_KEY,
  root,
  startBadInputEmulator,
  URL_PASSWORD,
} from "../support/bad-input";

const fiftyCas = Array.from({ length: 50 }, (_, i) => makeCertificate({ commonName: `CA ${i}`, keyBits: 1024 }));

type Resource = "managed" | "customer" | "both";

interface BadCase {
  name: string;
  /** Which resource's inputs; "both": a provider setting, checked through each resource's provider. */
  resource: Resource;
  /** Replaces keys of the valid inputs; `undefined` removes a key. */
  inputs?: Record<string, unknown>;
  /** Replaces keys of the valid stack config; `undefined` removes a key. */
  config?: Record<string, string | undefined>;
  env?: Record<string, string>;
  /** The property the failure must name. */
  field: string;
  reason?: RegExp;
}

const managed = (name: string, inputs: Record<string, unknown>, field: string, reason?: RegExp): BadCase => ({
  name,
  resource: "managed",
  inputs,
  field,
  reason,
});
const customer = (name: string, inputs: Record<string, unknown>, field: string, reason?: RegExp): BadCase => ({
  name,
  resource: "customer",
  inputs,
  field,
  reason,
});
const setting = (
  name: string,
  config: Record<string, string | undefined>,
  field: string,
  reason?: RegExp,
  env?: Record<string, string>,
): BadCase => ({ name, resource: "both", config, env, field, reason });

const noApiKey = { "mongodbatlas:publicKey": undefined, "mongodbatlas:privateKey": undefined };
const oneMegabyte = "A".repeat(1024 * 1024);

const corpus: BadCase[] = [
  // ManagedX509Certificate: projectId
  managed("projectId missing", { projectId: undefined }, "projectId", /24 lowercase hexadecimal/),
  managed("projectId empty", { projectId: "" }, "projectId"),
  managed("projectId too short", { projectId: "5f1a2b3c" }, "projectId"),
  managed("projectId of 25 characters", { projectId: `${PROJECT_ID}0` }, "projectId"),
  managed("projectId in upper case", { projectId: PROJECT_ID.toUpperCase() }, "projectId"),
  managed("projectId not hexadecimal", { projectId: "zzzzzzzzzzzzzzzzzzzzzzzz" }, "projectId"),
  managed("projectId a number", { projectId: 123456 }, "projectId", /got 123456/),
  managed("projectId a path", { projectId: "../../orgs/5f1a2b3c4d5e6f7a" }, "projectId"),
  managed("projectId a project URL", { projectId: `https://cloud.mongodb.com/v2/${PROJECT_ID}#` }, "projectId"),
  managed("projectId of 1 MB", { projectId: oneMegabyte }, "projectId"),
  // ManagedX509Certificate: username
  managed("username missing", { username: undefined }, "username", /MANAGED X\.509 database user/),
  managed("username empty", { username: "" }, "username"),
  managed("username only white space", { username: "   " }, "username"),
  managed("username with leading white space", { username: " app-service" }, "username", /white space/),
  managed("username with a newline", { username: "app\nservice" }, "username", /control characters/),
  managed("username with DEL", { username: "app\u007f" }, "username", /control characters/),
  managed('username ".."', { username: ".." }, "username", /no Atlas API path/),
  managed('username "."', { username: "." }, "username", /no Atlas API path/),
  managed("username of 1025 characters", { username: "u".repeat(1025) }, "username", /at most 1024/),
  managed("username a number", { username: 42 }, "username"),
  // ManagedX509Certificate: monthsUntilExpiration and renewBeforeDays
  managed("months 0", { monthsUntilExpiration: 0 }, "monthsUntilExpiration", /from 1 to 24 \(got 0\)/),
  managed("months 25", { monthsUntilExpiration: 25 }, "monthsUntilExpiration", /got 25/),
  managed("months 2.5", { monthsUntilExpiration: 2.5 }, "monthsUntilExpiration", /got 2\.5/),
  managed('months "12"', { monthsUntilExpiration: "12" }, "monthsUntilExpiration", /the string "12"/),
  managed("months negative", { monthsUntilExpiration: -3 }, "monthsUntilExpiration"),
  managed("months NaN", { monthsUntilExpiration: NaN }, "monthsUntilExpiration"),
  managed("renewBeforeDays negative", { renewBeforeDays: -1 }, "renewBeforeDays"),
  managed("renewBeforeDays 1.5", { renewBeforeDays: 1.5 }, "renewBeforeDays"),
  managed('renewBeforeDays "30"', { renewBeforeDays: "30" }, "renewBeforeDays"),
  managed(
    "renewBeforeDays as long as 3 months",
    { monthsUntilExpiration: 3, renewBeforeDays: 84 },
    "renewBeforeDays",
    /shorter than the certificate's validity/,
  ),
  managed("renewBeforeDays 10000 days", { renewBeforeDays: 10_000 }, "renewBeforeDays"),
  managed("renewBeforeDays 672 for 24 months", { monthsUntilExpiration: 24, renewBeforeDays: 672 }, "renewBeforeDays"),
  // CustomerX509Config
  customer("projectId not an id", { projectId: "not-a-project" }, "projectId"),
  customer("cas missing", { cas: undefined }, "cas", /one or more PEM CA certificates/),
  customer("cas empty", { cas: "" }, "cas"),
  customer("cas only line breaks", { cas: "\r\n\r\n" }, "cas"),
  customer("cas a number", { cas: 42 }, "cas"),
  customer("cas garbage", { cas: "hello world" }, "cas[text]", /outside PEM blocks/),
  customer("cas a key body without PEM lines", { cas: bareKeyBody }, "cas[text]"),
  customer("cas only a private key", { cas: leaf.privateKeyPem }, "cas[block 1]", /private key .*treat that key/),
  customer("cas with a PKCS#8 private key", { cas: chain + leaf.privateKeyPem }, "cas[block 3]", /private key/),
  customer("cas with an RSA private key", { cas: chain + pkcs1KeyPem }, "cas[block 3]", /RSA PRIVATE KEY/),
  customer("cas with an EC private key", { cas: ecKeyPem + chain }, "cas[block 1]", /EC PRIVATE KEY/),
  customer("cas with an encrypted private key", { cas: encryptedKeyPem }, "cas[block 1]", /private key/),
  customer("cas with a public key", { cas: root.certificatePem + publicKeyPem }, "cas[block 2]", /PUBLIC KEY/),
  customer("cas a leaf certificate", { cas: leaf.certificatePem }, "cas[block 1]", /not a CA certificate/),
  customer("cas an expired CA", { cas: expiredCa.certificatePem }, "cas[block 1]", /EXPIRED_X509_CA_CERTIFICATE/),
  customer("cas with a corrupt certificate", { cas: corruptCertificate }, "cas[block 1]", /not a valid X\.509/),
  customer(
    "cas without an END line",
    { cas: root.certificatePem + intermediate.certificatePem.replace(/-----END CERTIFICATE-----\n$/, "") },
    "cas[text]",
    /without a matching END line/,
  ),
  customer(
    "cas with CRLF and a comment between blocks",
    { cas: `${root.certificatePem}# issuing CA\r\n${intermediate.certificatePem}`.replace(/\n/g, "\r\n") },
    "cas[text]",
  ),
  customer("cas of 50 copies of one CA", { cas: root.certificatePem.repeat(50) }, "cas[block 50]", /repeats block 1/),
  customer("cas of 101 certificates", { cas: root.certificatePem.repeat(101) }, "cas[size]", /at most 100/),
  customer("cas of 1 MB", { cas: chain + oneMegabyte }, "cas[size]", /at most 262144 bytes/),
  customer("cas of 1 MB around a private key", { cas: oneMegabyte + leaf.privateKeyPem }, "cas[size]"),
  customer("expiryWarningDays negative", { expiryWarningDays: -1 }, "expiryWarningDays"),
  customer("expiryWarningDays over 10 years", { expiryWarningDays: 3651 }, "expiryWarningDays"),
  customer("expiryWarningDays 1.5", { expiryWarningDays: 1.5 }, "expiryWarningDays"),
  customer('expiryWarningDays "30"', { expiryWarningDays: "30" }, "expiryWarningDays"),
  // Provider configuration, through both resources
  setting("no credentials at all", noApiKey, "mongodbatlas:publicKey", /no Atlas credentials/),
  setting("public key only", { "mongodbatlas:privateKey": undefined }, "mongodbatlas:privateKey", /is not set/),
  setting("private key only", { "mongodbatlas:publicKey": undefined }, "mongodbatlas:publicKey", /is not set/),
  setting("private key only, from the environment", noApiKey, "mongodbatlas:publicKey", /is not set/, {
    MONGODB_ATLAS_PRIVATE_API_KEY: API_PRIVATE_KEY,
  }),
  setting("client id only", { "mongodbatlas:clientId": CLIENT_ID }, "mongodbatlas:clientSecret", /is not set/),
  setting("client secret only", { "mongodbatlas:clientSecret": CLIENT_SECRET }, "mongodbatlas:clientId"),
  setting(
    "private key with a trailing newline",
    { "mongodbatlas:privateKey": `${API_PRIVATE_KEY}\n` },
    "mongodbatlas:privateKey",
    /white space/,
  ),
  setting(
    "client secret with a space",
    { ...noApiKey, "mongodbatlas:clientId": CLIENT_ID, "mongodbatlas:clientSecret": `${CLIENT_SECRET} x` },
    "mongodbatlas:clientSecret",
    /white space/,
  ),
  setting("base URL not a URL", { "mongodbatlas:baseUrl": "not a url" }, "mongodbatlas:baseUrl", /not a valid URL/),
  setting("base URL without a scheme", { "mongodbatlas:baseUrl": "cloud.mongodb.com" }, "mongodbatlas:baseUrl"),
  setting("base URL over plain http", { "mongodbatlas:baseUrl": "http://cloud.mongodb.com" }, "mongodbatlas:baseUrl"),
  setting(
    "base URL with credentials",
    { "mongodbatlas:baseUrl": `https://admin:${URL_PASSWORD}@cloud.mongodb.com` },
    "mongodbatlas:baseUrl",
    /must not contain credentials/,
  ),
  setting(
    "base URL with the API path",
    { "mongodbatlas:baseUrl": "https://cloud.mongodb.com/api/atlas/v2" },
    "mongodbatlas:baseUrl",
  ),
  setting(
    "base URL with a query",
    { "mongodbatlas:baseUrl": "https://cloud.mongodb.com/?a=1" },
    "mongodbatlas:baseUrl",
  ),
  setting("base URL over ftp", { "mongodbatlas:baseUrl": "ftp://cloud.mongodb.com" }, "mongodbatlas:baseUrl"),
  setting("API version v3", { "atlas-x509:apiVersion": "v3" }, "atlas-x509:apiVersion", /v2, v1\.0/),
  setting("API version as a date", { "atlas-x509:apiVersion": "2023-01-01" }, "atlas-x509:apiVersion"),
  setting("API version in upper case", { "atlas-x509:apiVersion": "V2" }, "atlas-x509:apiVersion"),
  setting("government switch yes", { "mongodbatlas:isMongodbgovCloud": "yes" }, "mongodbatlas:isMongodbgovCloud"),
  setting("request timeout 0", { "atlas-x509:requestTimeoutSeconds": "0" }, "atlas-x509:requestTimeoutSeconds"),
  setting(
    "request timeout 100000",
    { "atlas-x509:requestTimeoutSeconds": "100000" },
    "atlas-x509:requestTimeoutSeconds",
  ),
  setting("request timeout in words, from the environment", {}, "atlas-x509:requestTimeoutSeconds", /from 1 to 600/, {
    ATLAS_X509_REQUEST_TIMEOUT_SECONDS: "thirty",
  }),
];

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startBadInputEmulator();
});
afterAll(() => emulator.close());

function validInputs(resource: "managed" | "customer"): Record<string, unknown> {
  return resource === "managed"
    ? { projectId: PROJECT_ID, username: "app-service", monthsUntilExpiration: 3, renewBeforeDays: 14 }
    : { projectId: PROJECT_ID, cas: chain, expiryWarningDays: 30 };
}

function contextFor(config: Record<string, string | undefined> = {}, env: Record<string, string> = {}) {
  const values: Record<string, string | undefined> = {
    "mongodbatlas:baseUrl": emulator.baseUrl,
    "mongodbatlas:publicKey": PUBLIC_KEY,
    "mongodbatlas:privateKey": API_PRIVATE_KEY,
    ...config,
  };
  const warnings: string[] = [];
  const context = new ProviderContext({
    config: { get: (key) => values[key] },
    env,
    warn: async (message) => {
      warnings.push(message);
    },
  });
  return { context, warnings };
}

async function check(resource: "managed" | "customer", context: ProviderContext, news: Record<string, unknown>) {
  const provider =
    resource === "managed" ? new ManagedX509CertificateProvider(context) : new CustomerX509ConfigProvider(context);
  const result = await provider.check({}, news);
  return { inputs: result.inputs as unknown as Record<string, unknown>, failures: result.failures ?? [] };
}

/** What the engine prints for a failure: the property, the value it holds in the inputs, and the reason. */
function engineLine(failure: CheckFailure, news: Record<string, unknown>): string {
  return `property ${failure.property} value {${String(news[failure.property] ?? "")}} has a problem: ${failure.reason}`;
}

describe("the bad-input corpus, through each provider's check", () => {
  it("has at least 40 cases, spread over both resources and the provider settings", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    for (const resource of ["managed", "customer", "both"] as const) {
      expect(corpus.filter((c) => c.resource === resource).length).toBeGreaterThanOrEqual(10);
    }
  });

  it.each(corpus.map((c) => [c.name, c] as const))("rejects %s", async (_name, badCase) => {
    await emulator.control.resetRequests();
    const targets = badCase.resource === "both" ? (["managed", "customer"] as const) : [badCase.resource];
    for (const resource of targets) {
      const { context, warnings } = contextFor(badCase.config, badCase.env);
      const news = { ...validInputs(resource), ...badCase.inputs };
      for (const [key, value] of Object.entries(news)) if (value === undefined) delete news[key];
      const { failures } = await check(resource, context, news);

      const named = failures.filter((f) => f.property === badCase.field);
      expect(named).not.toEqual([]);
      if (badCase.reason) expect(named.map((f) => f.reason).join("\n")).toMatch(badCase.reason);
      for (const failure of failures) {
        expect(failure.reason.length).toBeGreaterThan(10);
        expect(failure.reason.length).toBeLessThan(600);
      }
      const shown = [...failures.map((f) => engineLine(f, news)), ...warnings].join("\n");
      expect(leakedSecrets(shown)).toEqual([]);
      // Settings problems come with a client that refuses to start, so no request can slip out later either.
      if (badCase.resource === "both") expect(() => context.client()).toThrow(badCase.field);
    }
    expect(await emulator.control.requests()).toEqual([]);
  });
});

describe("awkward but valid inputs", () => {
  it.each([
    ["a DN username", "managed", { username: "CN=app,OU=services,O=Example Corp" }],
    ["a unicode username", "managed", { username: "ünïcødé-ユーザー" }],
    ["a username with URL syntax", "managed", { username: "team/app?v=1#x 100%" }],
    ["24 months with a 671-day renewal window", "managed", { monthsUntilExpiration: 24, renewBeforeDays: 671 }],
    ["a CRLF bundle with blank lines", "customer", { cas: `\r\n${chain.replace(/\n/g, "\r\n")}\r\n\r\n` }],
    ["a bundle of 50 CAs", "customer", { cas: fiftyCas.map((c) => c.certificatePem).join("") }],
  ] as const)("accepts %s without calling Atlas", async (_name, resource, overrides) => {
    await emulator.control.resetRequests();
    const { context } = contextFor();
    const { inputs, failures } = await check(resource, context, { ...validInputs(resource), ...overrides });
    expect(failures).toEqual([]);
    if (resource === "customer") expect(String(inputs.cas)).not.toContain("\r");
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("escapes DN, unicode and URL-like usernames on the wire: one certificate for exactly that user", async () => {
    const { context } = contextFor();
    const provider = new ManagedX509CertificateProvider(context);
    for (const username of ["CN=app,OU=services,O=Example Corp", "ünïcødé-ユーザー", "team/app?v=1#x 100%"]) {
      await emulator.control.resetRequests();
      const { inputs, failures } = await check("managed", context, { ...validInputs("managed"), username });
      expect(failures).toEqual([]);
      const { outs } = await provider.create(inputs as never);
      expect(outs?.subject).toContain("CN=");
      const posts = (await emulator.control.requests()).filter((r) => r.method === "POST" && r.authenticated);
      expect(posts.map((r) => r.path)).toEqual([
        `/api/atlas/v2/groups/${PROJECT_ID}/databaseUsers/${encodeURIComponent(username)}/certs`,
      ]);
      expect(await emulator.control.issuedCertificates(PROJECT_ID, username)).toHaveLength(1);
    }
  });
});
