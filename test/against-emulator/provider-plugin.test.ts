// The provider plugin's gRPC service, called as the engine calls it (protobuf requests in, protobuf answers out)
// against the emulator over real HTTP: its schema against the TypeScript classes, settings checks, detailed diffs,
// secret outputs, import reads, errors, and what bounds an operation (customTimeouts, Cancel). The CLI-level tests (test/user-projects/) run the same service as a
// process started by the engine.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import { startEmulator, type Emulator } from "../../emulator";
import { packageVersion } from "../../provider/atlas/version";
import * as dynamic from "../../provider";
import { resourceNameKey } from "../../provider/resources/customerX509Config";
import { pluginNames, secretNames, type PropertyTable } from "../../provider/properties";
import * as pluginRoute from "../../provider/plugin/sdk";
import { resourceTypes } from "../../provider/plugin/resource-types";
import { packageSchema } from "../../provider/plugin/schema";
import { AtlasX509ProviderService } from "../../provider/plugin/server";
import { providerGrpc } from "../../provider/pulumi-grpc";
import { makeCertificate } from "../../scripts/lib/pki";
import { repoRoot } from "../../scripts/lib/repo-root";
import { SCHEMA_FILE } from "../../scripts/lib/sdk-generation";
import { caller, struct } from "../support/plugin-service";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the protobuf classes of the engine's requests
const proto = require("@pulumi/pulumi/proto/provider_pb") as typeof providerTypes;
const { Empty } = providerGrpc().emptyProto;

const committedSchema = path.join(repoRoot, SCHEMA_FILE);
const secretKey = "4dabf18193072939515e22adb298388d";
const MANAGED = "atlas-x509:index:ManagedX509Certificate";
const CUSTOMER = "atlas-x509:index:CustomerX509Config";
const urnOf = (type: string, name: string) => `urn:pulumi:dev::project::${type}::${name}`;

let emulator: Emulator;
let call: ReturnType<typeof caller>;
/** The warnings the service sent the engine, with the URN of the resource each is about. */
const warnings: Array<{ message: string; urn?: string }> = [];

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "app-service", x509Type: "MANAGED" }] });
  call = caller(new AtlasX509ProviderService(async (message, urn) => void warnings.push({ message, urn })));
  const args = { baseUrl: emulator.baseUrl, ...emulator.credentials };
  await call("configure", new proto.ConfigureRequest().setArgs(struct(args)));
});
afterAll(() => emulator.close());

describe("the plugin's schema", () => {
  it("is what GetSchema answers, and what schema.json holds", async () => {
    const response = await call<providerTypes.GetSchemaResponse>("getSchema", new proto.GetSchemaRequest());
    expect(JSON.parse(response.getSchema())).toEqual(packageSchema(packageVersion()));
    expect(response.getSchema()).toBe(JSON.stringify(JSON.parse(fs.readFileSync(committedSchema, "utf8"))));
  });

  it("lists each resource's outputs as the TypeScript classes of both routes declare them, less the program-derived", async () => {
    const schema = packageSchema(packageVersion()) as {
      resources: Record<string, { properties: Record<string, { secret?: true }>; inputProperties: object }>;
    };
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: "id", state: args.inputs }), call: (args) => args.inputs },
      "project",
      "stack",
      false,
    );
    // Every argument given: a resource's outputs include only the optional arguments the program sets.
    const certificateArgs = {
      projectId: emulator.projectId,
      username: "u",
      monthsUntilExpiration: 3,
      renewBeforeDays: 7,
    };
    const bundleArgs = { projectId: emulator.projectId, cas: "", expiryWarningDays: 30 };
    const instances = {
      [MANAGED]: [
        new dynamic.ManagedX509Certificate("a", certificateArgs),
        new pluginRoute.ManagedX509Certificate("b", certificateArgs),
      ],
      [CUSTOMER]: [
        new dynamic.CustomerX509Config("c", bundleArgs),
        new pluginRoute.CustomerX509Config("d", bundleArgs),
      ],
    };
    for (const type of resourceTypes) {
      const table: PropertyTable = type.properties;
      const programDerived = Object.keys(table).filter((name) => table[name]!.derived === "program");
      const schemaOutputs = Object.keys(schema.resources[type.token]!.properties);
      for (const instance of instances[type.token as keyof typeof instances]) {
        const outputs = Object.keys(instance).filter((key) => pulumi.Output.isInstance(instance[key as never]));
        // What a dynamic resource passes besides its properties: its serialized provider, and its own name.
        const notProperties = ["urn", "id", "__provider", resourceNameKey, ...programDerived];
        const declared = outputs.filter((key) => !notProperties.includes(key));
        expect(declared.sort()).toEqual([...schemaOutputs].sort());
      }
      const schemaSecrets = schemaOutputs.filter((name) => schema.resources[type.token]!.properties[name]!.secret);
      expect(schemaSecrets).toEqual(secretNames(table));
      expect(schemaOutputs).toEqual(pluginNames(table));
    }
  });

  it("marks the provider's credentials secret", () => {
    const schema = packageSchema(packageVersion()) as { provider: { inputProperties: Record<string, object> } };
    const secrets = Object.entries(schema.provider.inputProperties).filter(([, p]) => "secret" in p);
    expect(secrets.map(([name]) => name).sort()).toEqual(["clientSecret", "privateKey"]);
  });
});

describe("the plugin's settings", () => {
  it("fails CheckConfig on every bad setting at once, naming each, and returns the credentials secret", async () => {
    const news = { baseUrl: "ftp://atlas", requestTimeoutSeconds: "soon", publicKey: "k", privateKey: "p" };
    const response = await call<providerTypes.CheckResponse>(
      "checkConfig",
      new proto.CheckRequest()
        .setUrn("urn:pulumi:dev::project::pulumi:providers:atlas-x509::org")
        .setNews(struct(news)),
    );
    const failures = response.getFailuresList().map((f) => f.getProperty());
    expect(failures.sort()).toEqual(["baseUrl", "requestTimeoutSeconds"]);
    const inputs = response.getInputs()!.toJavaScript() as Record<string, Record<string, unknown>>;
    expect(inputs.privateKey?.[secretKey]).toBeDefined();
    expect(inputs.publicKey).toBe("k");
  });

  it("diffs changed settings in detail, each an update, addition or removal in place, never a replace", async () => {
    const diffConfig = (olds: object, news: object) =>
      call<providerTypes.DiffResponse>(
        "diffConfig",
        new proto.DiffRequest()
          .setUrn("urn:pulumi:dev::project::pulumi:providers:atlas-x509::org")
          .setOlds(struct(olds))
          .setNews(struct(news)),
      );
    const olds = { baseUrl: "https://a.test", privateKey: "p1", requestTimeoutSeconds: "30" };
    const changed = await diffConfig(olds, { baseUrl: "https://b.test", privateKey: "p2", clientId: "c" });
    expect(changed.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(changed.getReplacesList()).toEqual([]);
    expect(changed.getHasdetaileddiff()).toBe(true);
    const { Kind } = proto.PropertyDiff;
    const map = changed.getDetaileddiffMap();
    const detailed = Object.fromEntries(
      changed.getDiffsList().map((key) => [key, [map.get(key)?.getKind(), map.get(key)?.getInputdiff()]]),
    );
    expect(map.getLength()).toBe(4);
    expect(detailed).toEqual({
      baseUrl: [Kind.UPDATE, true],
      privateKey: [Kind.UPDATE, true],
      clientId: [Kind.ADD, true],
      requestTimeoutSeconds: [Kind.DELETE, true],
    });
    const same = await diffConfig(olds, { ...olds, requestTimeoutSeconds: 30 });
    expect(same.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_NONE);
    expect(same.getDetaileddiffMap().getLength()).toBe(0);
  });

  it("names a base URL holding a password in the reason, with no property whose value the engine would print", async () => {
    const news = { baseUrl: "https://admin:Pa55w0rd@cloud.mongodb.com", publicKey: "k", privateKey: "p" };
    const response = await call<providerTypes.CheckResponse>(
      "checkConfig",
      new proto.CheckRequest()
        .setUrn("urn:pulumi:dev::project::pulumi:providers:atlas-x509::org")
        .setNews(struct(news)),
    );
    const failures = response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    expect(failures).toEqual([
      { property: "", reason: expect.stringMatching(/^baseUrl must not contain credentials/) },
    ]);
    expect(JSON.stringify(failures)).not.toContain("Pa55w0rd");
  });
});

describe("a certificate through the plugin", () => {
  const urn = urnOf(MANAGED, "app");
  let id: string;
  let outputs: Record<string, unknown>;

  it("fails Check on every bad field at once, each by name", async () => {
    const response = await call<providerTypes.CheckResponse>(
      "check",
      new proto.CheckRequest().setUrn(urn).setNews(struct({ projectId: "nope", monthsUntilExpiration: 99 })),
    );
    expect(response.getFailuresList().map((f) => f.getProperty())).toEqual(
      expect.arrayContaining(["projectId", "username", "monthsUntilExpiration"]),
    );
  });

  it("creates, returning exactly the schema's outputs with the private key secret", async () => {
    const inputs = { projectId: emulator.projectId, username: "app-service", monthsUntilExpiration: 3 };
    const response = await call<providerTypes.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(urn).setProperties(struct(inputs)),
    );
    id = response.getId();
    outputs = response.getProperties()!.toJavaScript() as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(
      pluginNames(resourceTypes[0]!.properties)
        .filter((n) => n !== "renewBeforeDays")
        .sort(),
    );
    const secrets = Object.keys(outputs).filter((k) => (outputs[k] as Record<string, unknown>)?.[secretKey]);
    expect(secrets).toEqual(["privateKeyPem"]);
    expect(outputs.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("after create, diffs in detail: an update for renewBeforeDays, a replace (successor first) for username", async () => {
    const olds = { ...outputs, privateKeyPem: "key" };
    const diff = (news: object) =>
      call<providerTypes.DiffResponse>(
        "diff",
        new proto.DiffRequest().setUrn(urn).setId(id).setOlds(struct(olds)).setNews(struct(news)),
      );
    const base = { projectId: emulator.projectId, username: "app-service", monthsUntilExpiration: 3 };
    const update = await diff({ ...base, renewBeforeDays: 10 });
    expect(update.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(update.getReplacesList()).toEqual([]);
    expect(update.getDetaileddiffMap().get("renewBeforeDays")?.getKind()).toBe(proto.PropertyDiff.Kind.ADD);
    const replace = await diff({ ...base, username: "other" });
    expect(replace.getReplacesList()).toEqual(["username"]);
    expect(replace.getDeletebeforereplace()).toBe(false);
    expect(replace.getDetaileddiffMap().get("username")?.getKind()).toBe(proto.PropertyDiff.Kind.UPDATE_REPLACE);
    expect((await diff(base)).getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_NONE);
  });

  it("after create, refuses an import read with a message that says why and what to do", async () => {
    await expect(call("read", new proto.ReadRequest().setUrn(urn).setId(id))).rejects.toThrow(
      /Atlas never returns the private key[\s\S]*Declare the resource instead/,
    );
  });

  it("after create, deletes and warns that Atlas cannot revoke, about this certificate rather than the stack", async () => {
    warnings.length = 0;
    await call("delete", new proto.DeleteRequest().setUrn(urn).setId(id).setProperties(struct(outputs)));
    expect(warnings).toEqual([{ message: expect.stringMatching(/Atlas cannot revoke a certificate/), urn }]);
  });
});

describe("a CA bundle through the plugin", () => {
  const urn = urnOf(CUSTOMER, "pki");
  const ca = makeCertificate({ commonName: "Plugin Test CA" });

  it("imports an existing bundle by project id: outputs and the inputs that reproduce it", async () => {
    const projectId = await emulator.control.createProject();
    await emulator.control.setCustomerX509(projectId, ca.certificatePem);
    const response = await call<providerTypes.ReadResponse>(
      "read",
      new proto.ReadRequest().setUrn(urn).setId(projectId),
    );
    expect(response.getId()).toBe(projectId);
    expect(response.getInputs()!.toJavaScript()).toEqual(
      expect.objectContaining({ projectId, cas: expect.stringContaining("BEGIN CERTIFICATE") }),
    );
  });

  it("answers a read of a project without a bundle with no id, so that refresh drops it", async () => {
    const projectId = await emulator.control.createProject();
    const state = { projectId, cas: ca.certificatePem, expiryWarningDays: 30 };
    const response = await call<providerTypes.ReadResponse>(
      "read",
      new proto.ReadRequest().setUrn(urn).setId(projectId).setProperties(struct(state)).setInputs(struct(state)),
    );
    expect(response.getId()).toBe("");
  });

  it("surfaces an Atlas error with status, errorCode and hint, and no stack trace", async () => {
    const request = new proto.CreateRequest()
      .setUrn(urn)
      .setProperties(struct({ projectId: "0123456789abcdef01234567", cas: ca.certificatePem, expiryWarningDays: 30 }));
    const error = (await call("create", request).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/404 GROUP_NOT_FOUND[\s\S]*Hint:/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});

describe("the bounds of an operation: the timeout the engine sends (customTimeouts), and Cancel", () => {
  const urn = urnOf(CUSTOMER, "bounded");
  const [first, second] = [
    makeCertificate({ commonName: "Bounded CA 1" }),
    makeCertificate({ commonName: "Bounded CA 2" }),
  ];
  /** Atlas acts on the request only after 10 minutes: only a bound of the plugin ends it. */
  const slow = (method: string, pathIncludes: string) =>
    emulator.control.injectFaults([{ method, pathIncludes, delayMs: 600_000 }]);
  afterEach(() => emulator.control.clearFaults());

  it("ends an Update and a Delete when their timeouts run out, naming which customTimeouts", async () => {
    const projectId = await emulator.control.createProject();
    const news = (cas: string) => struct({ projectId, cas, expiryWarningDays: 30, [resourceNameKey]: "bounded" });
    const created = await call<providerTypes.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(urn).setProperties(news(first.certificatePem)),
    );
    const state = created.getProperties()!;

    await slow("PATCH", "/userSecurity");
    const update = new proto.UpdateRequest()
      .setUrn(urn)
      .setId(created.getId())
      .setOlds(state)
      .setNews(news(second.certificatePem))
      .setTimeout(1);
    await expect(call("update", update)).rejects.toThrow(
      /PATCH \S+\/userSecurity failed: timed out \(the resource's customTimeouts\.update of 1s ran out\)/,
    );

    await slow("DELETE", "/userSecurity/customerX509");
    const remove = new proto.DeleteRequest().setUrn(urn).setId(created.getId()).setProperties(state).setTimeout(1);
    await expect(call("delete", remove)).rejects.toThrow(/customTimeouts\.delete of 1s ran out/);
    expect((await emulator.control.userSecurity(projectId)).customerX509?.cas).toContain(
      first.certificatePem.split("\n")[1],
    );
  });

  it("after Cancel, fails the Create under way saying so, and sends no further request", async () => {
    // A service of its own: Cancel is the last call an engine makes to a plugin.
    const callService = caller(new AtlasX509ProviderService(async () => undefined));
    const args = { baseUrl: emulator.baseUrl, ...emulator.credentials };
    await callService("configure", new proto.ConfigureRequest().setArgs(struct(args)));
    const projectId = await emulator.control.createProject();
    await slow("GET", `/groups/${projectId}/userSecurity`);
    const creating = callService(
      "create",
      new proto.CreateRequest()
        .setUrn(urn)
        .setProperties(struct({ projectId, cas: first.certificatePem, expiryWarningDays: 30, [resourceNameKey]: "b" })),
    );
    await callService("cancel", new Empty());
    await expect(creating).rejects.toThrow(/failed: cancelled \(the Pulumi engine cancelled the operation/);
    await emulator.control.resetRequests();
    const read = new proto.ReadRequest().setUrn(urn).setId(projectId);
    await expect(callService("read", read)).rejects.toThrow(/cancelled/);
    expect(await emulator.control.requests()).toEqual([]);
  });
});
