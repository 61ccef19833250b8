// Refresh (read) of both resources against the emulator, through a loopback proxy in front of it: a resource is
// reported gone only when Atlas itself says the project, user or configuration does not exist (a 404 with an Atlas
// error body whose errorCode ends in _NOT_FOUND). Every other failure (a 404 from something that is not Atlas,
// another errorCode, a 5xx after retries, a timeout, a reset connection, an answer that says nothing) rejects the
// read, which makes the engine keep the state as it was.
import { AtlasClient } from "../../provider/atlas/client";
import { digestAuth } from "../../provider/atlas/auth";
import { ProviderContext } from "../../provider/context";
import { CustomerX509ConfigProvider } from "../../provider/resources/customerX509Config";
import {
  ManagedX509CertificateProvider,
  type ManagedX509CertificateOutputs,
} from "../../provider/resources/managedX509Certificate";
import { startEmulator, type Emulator, type FaultRule } from "../../emulator";
import { makeCertificate } from "../../scripts/lib/pki";
import { NON_ATLAS_404, startFrontProxy, type FrontProxy } from "../support/front-proxy";

const root = makeCertificate({ commonName: "Refresh Root CA" });
/** Per attempt; the injected stall is longer. */
const timeoutMs = 1500;
const maxRetries = 2;

let emulator: Emulator;
let proxy: FrontProxy;
let context: ProviderContext;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 1024 });
  proxy = await startFrontProxy(emulator.baseUrl);
  const config: Record<string, string> = {
    "mongodbatlas:baseUrl": proxy.baseUrl,
    "mongodbatlas:publicKey": emulator.credentials.publicKey,
    "mongodbatlas:privateKey": emulator.credentials.privateKey,
  };
  context = new ProviderContext({
    config: { get: (key) => config[key] },
    env: {},
    warn: async () => {},
    // As the plugin builds it, with short timeouts and retry delays so that exhausting the retries is quick.
    clientFactory: (settings) =>
      new AtlasClient({
        baseUrl: settings.baseUrl,
        auth: digestAuth(emulator.credentials.publicKey, emulator.credentials.privateKey),
        timeoutMs,
        retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 5 },
      }),
  });
});
afterAll(async () => {
  await proxy.close();
  await emulator.close();
});
afterEach(async () => {
  proxy.forwardAll();
  await emulator.control.clearFaults();
});

interface Subject {
  kind: string;
  /** The GET path a refresh reads, as fault rules and the proxy match it. */
  path: string;
  read(): Promise<{ id?: string; props?: unknown }>;
  /** What a successful read returns while nothing changed. */
  expected: { id: string; props: unknown };
}

async function managedCertificate(): Promise<Subject> {
  const projectId = await emulator.control.createProject();
  const username = "svc-refresh";
  await emulator.control.createUser(projectId, username, "MANAGED");
  const { id, outs } = await new ManagedX509CertificateProvider(context).create({
    projectId,
    username,
    monthsUntilExpiration: 3,
  });
  // A fresh provider per read: the provider keeps a user's listing for a while, and each read must reach Atlas.
  const read = () => new ManagedX509CertificateProvider(context).read(id, outs as ManagedX509CertificateOutputs);
  return {
    kind: "ManagedX509Certificate",
    path: `/groups/${projectId}/databaseUsers/${username}/certs`,
    read,
    expected: { id, props: outs },
  };
}

async function customerConfig(): Promise<Subject> {
  const projectId = await emulator.control.createProject();
  const provider = new CustomerX509ConfigProvider(context);
  const { id, outs } = await provider.create({ projectId, cas: root.certificatePem, expiryWarningDays: 30 });
  return {
    kind: "CustomerX509Config",
    path: `/groups/${projectId}/userSecurity`,
    read: () => provider.read(id, outs),
    expected: { id, props: outs },
  };
}

const subjects: Array<[string, () => Promise<Subject>]> = [
  ["ManagedX509Certificate", managedCertificate],
  ["CustomerX509Config", customerConfig],
];

async function injectOnGet(subject: Subject, rule: Omit<FaultRule, "method" | "pathIncludes">): Promise<void> {
  await emulator.control.injectFaults([{ method: "GET", pathIncludes: subject.path, ...rule }]);
  await emulator.control.resetRequests();
}

/** The read fails; once the failure is gone, the same state reads back unchanged: nothing was lost. */
async function expectKept(subject: Subject, message: RegExp): Promise<void> {
  await expect(subject.read()).rejects.toThrow(message);
  proxy.forwardAll();
  await emulator.control.clearFaults();
  expect(await subject.read()).toEqual(subject.expected);
}

async function authenticatedGets(subject: Subject): Promise<number> {
  const log = await emulator.control.requests();
  return log.filter((r) => r.authenticated && r.method === "GET" && decodeURIComponent(r.path).includes(subject.path))
    .length;
}

describe.each(subjects)("%s: refresh is gone only when Atlas says it does not exist", (_kind, make) => {
  it.each(["GROUP_NOT_FOUND", "USERNAME_NOT_FOUND", "USER_NOT_FOUND", "CUSTOMER_X509_NOT_FOUND"])(
    "reports it gone on a 404 whose Atlas error body says %s",
    async (errorCode) => {
      const subject = await make();
      await injectOnGet(subject, { status: 404, errorCode });
      expect(await subject.read()).toEqual({});
      expect(await authenticatedGets(subject)).toBe(1);
    },
  );

  it.each(Object.keys(NON_ATLAS_404))("fails and keeps the state on a 404 with %s (a proxy)", async (body) => {
    const subject = await make();
    proxy.answer(subject.path, NON_ATLAS_404[body]);
    const before = proxy.intercepted;
    await expectKept(subject, /failed: 404/);
    expect(proxy.intercepted).toBe(before + 1);
  });

  it("fails and keeps the state when the base URL answers 404 to everything (a wrong host)", async () => {
    const subject = await make();
    proxy.answer("/", NON_ATLAS_404["plain text"]);
    await expectKept(subject, /failed: 404/);
  });

  it.each([
    ["a 404 whose errorCode is not a _NOT_FOUND one", 404, "INVALID_GROUP_ID"],
    ["a _NOT_FOUND errorCode with another status", 400, "GROUP_NOT_FOUND"],
    ["RESOURCE_NOT_FOUND, Atlas's answer to a route it does not know (a wrong base path)", 404, "RESOURCE_NOT_FOUND"],
  ])("fails and keeps the state on %s", async (_what, status, errorCode) => {
    const subject = await make();
    await injectOnGet(subject, { status, errorCode, times: 1 });
    await expectKept(subject, new RegExp(`failed: ${status} ${errorCode}`));
  });

  it("fails and keeps the state on a 503 that outlasts the retries", async () => {
    const subject = await make();
    await injectOnGet(subject, { status: 503, everyNth: 1 });
    await expectKept(subject, new RegExp(`failed: 503 SERVICE_UNAVAILABLE.*\\[${maxRetries + 1} attempts\\]`));
  });

  it("fails and keeps the state when every attempt times out", async () => {
    const subject = await make();
    await injectOnGet(subject, { delayMs: timeoutMs * 4, everyNth: 1 });
    await expectKept(subject, new RegExp(`failed: timed out.*\\[${maxRetries + 1} attempts\\]`));
  });

  it("fails and keeps the state when every attempt's connection is reset", async () => {
    const subject = await make();
    await injectOnGet(subject, { drop: "before", everyNth: 1 });
    await expectKept(subject, new RegExp(`failed: network error.*\\[${maxRetries + 1} attempts\\]`));
  });
});

describe("answers that say nothing about the resource", () => {
  it("CustomerX509Config: a 200 without a customerX509 section fails and keeps the state", async () => {
    const subject = await customerConfig();
    for (const body of ["", "{}", '{"ldap":{}}']) {
      proxy.answer(subject.path, { status: 200, contentType: "application/json", body });
      await expectKept(subject, /no customerX509 section.*the state is kept/);
    }
  });

  it("CustomerX509Config: customerX509 without CAs is Atlas saying no bundle is set: gone", async () => {
    const subject = await customerConfig();
    proxy.answer(subject.path, { status: 200, contentType: "application/json", body: '{"customerX509":{}}' });
    expect(await subject.read()).toEqual({});
  });

  it("ManagedX509Certificate: a 200 without a results array fails and keeps the state", async () => {
    const subject = await managedCertificate();
    proxy.answer(subject.path, { status: 200, contentType: "application/json", body: "{}" });
    await expectKept(subject, /no results array/);
  });

  it("ManagedX509Certificate: a serial Atlas no longer lists is gone (expired): Atlas says so", async () => {
    const subject = await managedCertificate();
    proxy.answer(subject.path, { status: 200, contentType: "application/json", body: '{"results":[]}' });
    expect(await subject.read()).toEqual({});
  });
});
