import {
  DEFAULT_BASE_URL as defaultBaseUrl,
  GOVERNMENT_BASE_URL as governmentBaseUrl,
} from "../../provider/atlas/client";
import { resolveSettings, type ConfigSource } from "../../provider/config";

const config = (values: Record<string, string>): ConfigSource => ({ get: (key) => values[key] });
const publicKey = "abcdefgh";
const privateKey = "11111111-2222-3333-4444-555555555555";

describe("provider settings", () => {
  it("reads API keys from stack config with the official provider's keys", () => {
    const { settings, problems } = resolveSettings(
      config({ "mongodbatlas:publicKey": publicKey, "mongodbatlas:privateKey": privateKey }),
      {},
    );
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      baseUrl: defaultBaseUrl,
      apiVersion: "v2",
      credentials: { kind: "digest", publicKey, privateKey },
      requestTimeoutMs: 30_000,
    });
  });

  it("falls back to the environment, including the legacy variable names", () => {
    const current = resolveSettings(undefined, {
      MONGODB_ATLAS_PUBLIC_API_KEY: publicKey,
      MONGODB_ATLAS_PRIVATE_API_KEY: privateKey,
    });
    const legacy = resolveSettings(undefined, {
      MONGODB_ATLAS_PUBLIC_KEY: publicKey,
      MONGODB_ATLAS_PRIVATE_KEY: privateKey,
    });
    expect(current.settings?.credentials).toEqual({ kind: "digest", publicKey, privateKey });
    expect(legacy.settings?.credentials).toEqual({ kind: "digest", publicKey, privateKey });
  });

  it("prefers stack config over the environment", () => {
    const { settings } = resolveSettings(
      config({ "mongodbatlas:publicKey": "fromconfig", "mongodbatlas:privateKey": privateKey }),
      {
        MONGODB_ATLAS_PUBLIC_API_KEY: "fromenv",
      },
    );
    expect(settings?.credentials).toMatchObject({ publicKey: "fromconfig" });
  });

  it("uses a service account when client id and secret are set, also next to API keys", () => {
    const { settings } = resolveSettings(
      config({ "mongodbatlas:clientId": "mdb_sa_id_1", "mongodbatlas:clientSecret": "mdb_sa_sk_2" }),
      {
        MONGODB_ATLAS_PUBLIC_API_KEY: publicKey,
        MONGODB_ATLAS_PRIVATE_API_KEY: privateKey,
      },
    );
    expect(settings?.credentials).toEqual({
      kind: "serviceAccount",
      clientId: "mdb_sa_id_1",
      clientSecret: "mdb_sa_sk_2",
    });
  });

  it("reports missing credentials once, listing every option", () => {
    const { settings, problems } = resolveSettings(undefined, {});
    expect(settings).toBeUndefined();
    expect(problems).toHaveLength(1);
    for (const option of [
      "mongodbatlas:publicKey",
      "mongodbatlas:clientId",
      "MONGODB_ATLAS_PUBLIC_API_KEY",
      "MONGODB_ATLAS_CLIENT_ID",
    ]) {
      expect(problems[0].reason).toContain(option);
    }
  });

  it.each([
    [{ "mongodbatlas:publicKey": publicKey }, "mongodbatlas:privateKey"],
    [{ "mongodbatlas:privateKey": privateKey }, "mongodbatlas:publicKey"],
    [{ "mongodbatlas:clientId": "id" }, "mongodbatlas:clientSecret"],
    [{ "mongodbatlas:clientSecret": "secret-value" }, "mongodbatlas:clientId"],
  ])("names the missing half of a credential pair (%j)", (values, missing) => {
    const { problems } = resolveSettings(config(values), {});
    expect(problems.map((p) => p.key)).toEqual([missing]);
    expect(JSON.stringify(problems)).not.toContain(privateKey);
    expect(JSON.stringify(problems)).not.toContain("secret-value");
  });

  it.each([
    ["not a url", "is not a valid URL", {}],
    ["http://cloud.mongodb.com", "must use https", {}],
    ["https://user:pw@cloud.mongodb.com", "must not contain credentials", { valueHoldsSecret: true }],
    ["https://cloud.mongodb.com/api/atlas/v2", "without a path", {}],
  ])("rejects the base URL %j", (baseUrl, reason, secret) => {
    const { problems } = resolveSettings(
      config({
        "mongodbatlas:baseUrl": baseUrl,
        "mongodbatlas:publicKey": publicKey,
        "mongodbatlas:privateKey": privateKey,
      }),
      {},
    );
    expect(problems).toEqual([{ key: "mongodbatlas:baseUrl", reason: expect.stringContaining(reason), ...secret }]);
    expect(JSON.stringify(problems)).not.toContain("pw@");
  });

  it("accepts plain http for a loopback emulator and the Atlas for Government switch", () => {
    const keys = { "mongodbatlas:publicKey": publicKey, "mongodbatlas:privateKey": privateKey };
    expect(
      resolveSettings(config({ ...keys, "mongodbatlas:baseUrl": "http://127.0.0.1:8787/" }), {}).settings?.baseUrl,
    ).toBe("http://127.0.0.1:8787");
    expect(resolveSettings(config({ ...keys, "mongodbatlas:isMongodbgovCloud": "true" }), {}).settings?.baseUrl).toBe(
      governmentBaseUrl,
    );
  });

  it("selects the deprecated v1.0 API and rejects unknown versions", () => {
    const keys = { "mongodbatlas:publicKey": publicKey, "mongodbatlas:privateKey": privateKey };
    expect(resolveSettings(config({ ...keys, "atlas-x509:apiVersion": "v1.0" }), {}).settings?.apiVersion).toBe("v1.0");
    const { problems } = resolveSettings(config({ ...keys, "atlas-x509:apiVersion": "v3" }), {});
    expect(problems).toEqual([{ key: "atlas-x509:apiVersion", reason: expect.stringContaining("v2, v1.0") }]);
  });

  it("reads the request timeout in whole seconds, and rejects anything else", () => {
    const keys = { "mongodbatlas:publicKey": publicKey, "mongodbatlas:privateKey": privateKey };
    expect(
      resolveSettings(config({ ...keys, "atlas-x509:requestTimeoutSeconds": "5" }), {}).settings?.requestTimeoutMs,
    ).toBe(5000);
    expect(resolveSettings(config(keys), { ATLAS_X509_REQUEST_TIMEOUT_SECONDS: "7" }).settings?.requestTimeoutMs).toBe(
      7000,
    );
    for (const bad of ["0", "-1", "2.5", "ten", "601", "1e3"]) {
      const { problems } = resolveSettings(config({ ...keys, "atlas-x509:requestTimeoutSeconds": bad }), {});
      expect(problems).toEqual([
        { key: "atlas-x509:requestTimeoutSeconds", reason: expect.stringContaining("from 1 to 600") },
      ]);
    }
  });

  it("reads the Atlas for Government switch strictly: TRUE is true, yes is an error", () => {
    const keys = { "mongodbatlas:publicKey": publicKey, "mongodbatlas:privateKey": privateKey };
    const gov = (value: string) => resolveSettings(config({ ...keys, "mongodbatlas:isMongodbgovCloud": value }), {});
    expect(gov("TRUE").settings?.baseUrl).toBe(governmentBaseUrl);
    expect(gov("false").settings?.baseUrl).toBe(defaultBaseUrl);
    expect(gov("yes").problems).toEqual([{ key: "mongodbatlas:isMongodbgovCloud", reason: "must be true or false" }]);
  });

  it("reports every problem at once", () => {
    const { problems } = resolveSettings(
      config({ "mongodbatlas:baseUrl": "ftp://x", "atlas-x509:apiVersion": "2", "mongodbatlas:publicKey": publicKey }),
      {},
    );
    expect(problems.map((p) => p.key).sort()).toEqual([
      "atlas-x509:apiVersion",
      "mongodbatlas:baseUrl",
      "mongodbatlas:privateKey",
    ]);
  });
});
