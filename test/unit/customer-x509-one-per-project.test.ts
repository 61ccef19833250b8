// One CustomerX509Config per project: check() refuses a second resource for a project claimed in the same plugin
// process, naming both; the same resource checked again, a move to another project, and configs of different
// projects pass; the name input never reaches the checked inputs. No API call is made.
import { AtlasClient } from "../../provider/atlas/client";
import { digestAuth } from "../../provider/atlas/auth";
import { ProviderContext } from "../../provider/context";
import { withPlainErrors } from "../../provider/runtime";
import {
  CustomerX509ConfigProvider,
  ProjectClaims,
  resourceNameKey,
} from "../../provider/resources/customerX509Config";
import { unknownValue } from "../../provider/validation";
import { makeCertificate } from "../../scripts/lib/pki";
import { networkError, scriptedFetch, type RecordedCall } from "../support/fake-fetch";

const projectA = "5f1a2b3c4d5e6f7a8b9c0d1e";
const projectB = "6a1a2b3c4d5e6f7a8b9c0d1f";
const root = makeCertificate({ commonName: "Corp Root CA" });

/** A provider whose Atlas drops every connection, and records each call: any API call would fail loudly. */
function provider(claims = new ProjectClaims()): {
  provider: CustomerX509ConfigProvider;
  warnings: string[];
  calls: RecordedCall[];
} {
  const warnings: string[] = [];
  const atlas = scriptedFetch(networkError());
  const config: Record<string, string> = {
    "mongodbatlas:baseUrl": "http://127.0.0.1:9",
    "mongodbatlas:publicKey": "public",
    "mongodbatlas:privateKey": "private",
  };
  const context = new ProviderContext({
    config: { get: (key) => config[key] },
    env: {},
    warn: async (message) => {
      warnings.push(message);
    },
    clientFactory: (settings) =>
      new AtlasClient({
        baseUrl: settings.baseUrl,
        auth: digestAuth("public", "private", atlas.fetch),
        retry: { maxRetries: 0 },
      }),
  });
  return { provider: new CustomerX509ConfigProvider(context, claims), warnings, calls: atlas.calls };
}

function news(name: string | undefined, projectId: unknown): Record<string, unknown> {
  return {
    projectId,
    cas: root.certificatePem,
    ...(name !== undefined && { [resourceNameKey]: name }),
    __provider: "exports.handler = ...",
  };
}

describe("ProjectClaims", () => {
  it("gives a project to the first resource and names it to the second", () => {
    const claims = new ProjectClaims();
    expect(claims.claim("pki-a", projectA)).toBeUndefined();
    expect(claims.claim("pki-b", projectA)).toBe("pki-a");
    expect(claims.holder(projectA)).toBe("pki-a");
  });

  it("lets the same resource claim its project again (a replacement is checked twice)", () => {
    const claims = new ProjectClaims();
    expect(claims.claim("pki-a", projectA)).toBeUndefined();
    expect(claims.claim("pki-a", projectA)).toBeUndefined();
  });

  it("frees the project a resource moves away from", () => {
    const claims = new ProjectClaims();
    claims.claim("pki-a", projectA);
    expect(claims.claim("pki-a", projectB)).toBeUndefined();
    expect(claims.holder(projectA)).toBeUndefined();
    expect(claims.claim("pki-b", projectA)).toBeUndefined();
    expect(claims.claim("pki-c", projectB)).toBe("pki-a");
  });
});

describe("check", () => {
  it("refuses a second CustomerX509Config for one project, naming both resources and the project", async () => {
    const { provider: p } = provider();
    expect((await p.check({}, news("corp-pki", projectA))).failures).toEqual([]);
    const second = await p.check({}, news("team-pki", projectA));
    expect(second.failures).toHaveLength(1);
    expect(second.failures?.[0].property).toBe("projectId");
    expect(second.failures?.[0].reason).toContain('CustomerX509Config "team-pki"');
    expect(second.failures?.[0].reason).toContain('CustomerX509Config "corp-pki"');
    expect(second.failures?.[0].reason).toContain(projectA);
  });

  it("accepts configs for two different projects, and the same resource checked twice", async () => {
    const { provider: p } = provider();
    expect((await p.check({}, news("pki-a", projectA))).failures).toEqual([]);
    expect((await p.check({}, news("pki-b", projectB))).failures).toEqual([]);
    expect((await p.check(news("pki-a", projectA), news("pki-a", projectA))).failures).toEqual([]);
  });

  it("refuses the second of two concurrent checks: the claim is taken before any await", async () => {
    const { provider: p } = provider();
    const results = await Promise.all([p.check({}, news("x", projectA)), p.check({}, news("y", projectA))]);
    expect(results.map((r) => r.failures?.length)).toEqual([0, 1]);
  });

  it("shares the claims of the plugin process between provider objects", async () => {
    const claims = new ProjectClaims();
    await provider(claims).provider.check({}, news("pki-a", projectA));
    const result = await provider(claims).provider.check({}, news("pki-b", projectA));
    expect(result.failures?.[0].reason).toContain('"pki-a"');
  });

  it("keeps the name out of the checked inputs, so it never reaches diffs or the state", async () => {
    const { provider: p } = provider();
    const result = await p.check({}, news("pki-a", projectA));
    expect(result.inputs).toEqual({ projectId: projectA, cas: root.certificatePem, expiryWarningDays: 30 });
    expect(Object.keys(result.inputs ?? {})).not.toContain(resourceNameKey);
  });

  it("claims nothing for an unknown or invalid project id, or without a name", async () => {
    const claims = new ProjectClaims();
    const { provider: p } = provider(claims);
    await p.check({}, news("pki-a", unknownValue));
    await p.check({}, news("pki-b", "not-a-project"));
    await p.check({}, news(undefined, projectA));
    expect(claims.holder(projectA)).toBeUndefined();
    expect((await p.check({}, news("pki-c", projectA))).failures).toEqual([]);
  });

  it("reaches the engine as a check failure, not as an error", async () => {
    const { provider: p } = provider();
    const wrapped = withPlainErrors(p);
    await wrapped.check!({}, news("pki-a", projectA));
    const result = await wrapped.check!({}, news("pki-b", projectA));
    expect(result.failures?.map((f) => f.property)).toEqual(["projectId"]);
  });
});

describe("delete", () => {
  it("leaves the bundle enabled, without an API call, when another resource of this run now holds the project", async () => {
    const { provider: p, warnings, calls } = provider();
    await p.check({}, news("pki-renamed", projectA));
    const props = {
      projectId: projectA,
      cas: root.certificatePem,
      expiryWarningDays: 30,
      certificates: [],
      earliestNotAfter: "",
    };
    await expect(p.delete(projectA, props)).resolves.toBeUndefined();
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('CustomerX509Config "pki-renamed"');
    expect(warnings[0]).toContain(projectA);
  });

  it("disables the bundle when no resource of this run holds the project (destroy, removal, a move away)", async () => {
    const { provider: p, calls } = provider();
    await p.check({}, news("pki-a", projectA));
    await p.check({}, news("pki-a", projectB));
    const props = {
      projectId: projectA,
      cas: root.certificatePem,
      expiryWarningDays: 30,
      certificates: [],
      earliestNotAfter: "",
    };
    // It calls Atlas, which here drops the connection: the DELETE fails with a network error.
    await expect(p.delete(projectA, props)).rejects.toThrow(
      /DELETE .*\/userSecurity\/customerX509 failed: network error/,
    );
    expect(calls.map((call) => `${call.method} ${call.url.pathname}`)).toEqual([
      `DELETE /api/atlas/v2/groups/${projectA}/userSecurity/customerX509`,
    ]);
  });
});
