// Pure unit tests of the auth steps over a scripted fetch. The real handshakes against the emulator are in
// test/against-emulator/atlas-client.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { digestAuth, serviceAccountAuth } from "../../provider/atlas/auth";
import { AtlasClient } from "../../provider/atlas/client";
import { AtlasApiError } from "../../provider/atlas/errors";
import {
  atlasError,
  hang,
  hangOnArrival,
  json,
  networkError,
  scriptedFetch,
  type RecordedCall,
} from "../support/fake-fetch";

const mockDigestModule = { loads: 0 };
jest.mock("../../provider/atlas/digest-fetch-loader", () => ({
  loadDigestFetch: () => {
    mockDigestModule.loads++;
    return (
      jest.requireActual("../support/digest-fetch-cjs") as typeof import("../support/digest-fetch-cjs")
    ).loadDigestFetch();
  },
}));

const GROUP = "5f1a2b3c4d5e6f7a8b9c0d1e";
const TOKEN_URL = "https://atlas.test/api/oauth/token";

function tokenResponse(token: string, expiresIn = 3600): Response {
  return new Response(JSON.stringify({ access_token: token, expires_in: expiresIn, token_type: "Bearer" }), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
}

/** A token endpoint minting tok-1, tok-2, ... and an API that accepts only tokens in `valid`. */
function fakeAtlas() {
  let minted = 0;
  const valid = new Set<string>();
  const fake = scriptedFetch((call: RecordedCall) => {
    if (call.url.href === TOKEN_URL) {
      const token = `tok-${++minted}`;
      valid.add(token);
      return tokenResponse(token);
    }
    const bearer = /^Bearer (.+)$/.exec(call.headers.authorization ?? "")?.[1];
    return bearer !== undefined && valid.has(bearer) ? json(200, {}) : atlasError(401, "USER_UNAUTHORIZED");
  });
  const tokenCalls = () => fake.calls.filter((c) => c.url.href === TOKEN_URL);
  return { ...fake, valid, tokenCalls };
}

describe("service accounts", () => {
  it("asks for a token with Basic client credentials and a client_credentials form", async () => {
    const atlas = fakeAtlas();
    const auth = serviceAccountAuth("mdb_sa_id_1", "s3cr:et", "https://atlas.test/", { fetch: atlas.fetch });
    await auth.fetch(`https://atlas.test/api/atlas/v2/groups/${GROUP}/userSecurity`, {
      headers: { "user-agent": "ua/1" },
    });
    const [token, api] = atlas.calls;
    expect(token!.method).toBe("POST");
    expect(token!.url.href).toBe(TOKEN_URL);
    expect(token!.headers.authorization).toBe(`Basic ${Buffer.from("mdb_sa_id_1:s3cr:et").toString("base64")}`);
    expect(token!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(token!.headers["user-agent"]).toBe("ua/1");
    expect(token!.body).toBe("grant_type=client_credentials");
    expect(api!.headers.authorization).toBe("Bearer tok-1");
  });

  it("reuses the token until 60 s before it expires, then renews it", async () => {
    let now = 1_000_000;
    const atlas = fakeAtlas();
    const auth = serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: atlas.fetch, now: () => now });
    const call = () => auth.fetch("https://atlas.test/api/atlas/v2/x", {});
    await call();
    now += 3540_000 - 1;
    await call();
    expect(atlas.tokenCalls()).toHaveLength(1);
    now += 1;
    await call();
    expect(atlas.tokenCalls()).toHaveLength(2);
    expect(atlas.calls.at(-1)!.headers.authorization).toBe("Bearer tok-2");
  });

  it("lets concurrent callers share one token request", async () => {
    const atlas = fakeAtlas();
    const auth = serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: atlas.fetch });
    await Promise.all(Array.from({ length: 5 }, () => auth.fetch("https://atlas.test/api/atlas/v2/x", {})));
    expect(atlas.tokenCalls()).toHaveLength(1);
  });

  it("drops a cached token Atlas refuses and tries once more with a new one", async () => {
    const atlas = fakeAtlas();
    const auth = serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: atlas.fetch });
    await auth.fetch("https://atlas.test/api/atlas/v2/x", {});
    atlas.valid.clear(); // revoked behind our back
    const response = await auth.fetch("https://atlas.test/api/atlas/v2/x", {});
    expect(response.status).toBe(200);
    expect(atlas.tokenCalls()).toHaveLength(2);
  });

  it("reports refused client credentials as an error of the token request, with a hint and no secret", async () => {
    const fake = scriptedFetch(
      new Response(JSON.stringify({ error: "invalid_client", error_description: "Invalid client credentials." }), {
        status: 401,
        headers: { "content-type": "application/json" },
      }),
    );
    const client = new AtlasClient({
      baseUrl: "https://atlas.test",
      auth: serviceAccountAuth("mdb_sa_id_abc", "very-secret-value", "https://atlas.test", { fetch: fake.fetch }),
      sleep: async () => undefined,
    });
    const err = (await client.createUserCert(GROUP, "app", 3).catch((e: unknown) => e)) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.message).toBe(
      "Atlas API POST /api/oauth/token failed: 401 invalid_client: Invalid client credentials. Hint: check the " +
        "service account's client id and secret, and that they belong to the organization that owns the project.",
    );
    expect(fake.calls).toHaveLength(1);
    expect(JSON.stringify(err) + String(err) + err.stack).not.toMatch(/very-secret-value|mdb_sa_id_abc/);
  });

  it("retries a failed token request even for POST certs: the certificate request was never sent", async () => {
    let certPosts = 0;
    const fake = scriptedFetch(networkError(), atlasError(503, "SERVICE_UNAVAILABLE"), (call) => {
      if (call.url.href === TOKEN_URL) return tokenResponse("tok");
      certPosts++;
      return json(
        201,
        "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----\n",
      );
    });
    const client = new AtlasClient({
      baseUrl: "https://atlas.test",
      auth: serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: fake.fetch }),
      sleep: async () => undefined,
    });
    await expect(client.createUserCert(GROUP, "app", 3)).resolves.toContain("BEGIN CERTIFICATE");
    expect(certPosts).toBe(1);
  });

  it("a POST certs cancelled while its token is requested was never sent: cancelled, no key lost", async () => {
    const { step, arrived } = hangOnArrival();
    const fake = scriptedFetch(step);
    const cancel = new AbortController();
    const client = new AtlasClient({
      baseUrl: "https://atlas.test",
      auth: serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: fake.fetch, timeoutMs: 600_000 }),
      signal: cancel.signal,
      timeoutMs: 600_000,
    });
    const creating = client.createUserCert(GROUP, "app", 3).catch((error: unknown) => error);
    expect((await arrived).url.href).toBe(TOKEN_URL);
    cancel.abort();
    const error = await creating;
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ kind: "cancelled", outcomeUnknown: false });
    expect((error as Error).message).not.toContain("private key never arrived");
    expect(fake.calls.map((call) => call.url.href)).toEqual([TOKEN_URL]);
  });

  it("a request stopped while it waits for the token leaves the token request to the others", async () => {
    let answerToken!: () => void;
    const tokenAnswered = new Promise<void>((resolve) => (answerToken = resolve));
    const fake = scriptedFetch(async (call) => {
      if (call.url.href !== TOKEN_URL) return json(200, {});
      await tokenAnswered;
      return tokenResponse("tok-shared");
    });
    const auth = serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: fake.fetch });
    const url = "https://atlas.test/api/atlas/v2/groups/g/userSecurity";
    const stop = new AbortController();
    const stopped = auth.fetch(url, { method: "GET", headers: {}, signal: stop.signal });
    const other = auth.fetch(url, { method: "GET", headers: {} });
    const reason = new Error("stopped");
    stop.abort(reason);
    await expect(stopped).rejects.toMatchObject({ name: "RequestNotSent", reason });
    answerToken();
    expect((await other).status).toBe(200);
    expect(fake.calls.map((call) => [call.url.href, call.headers.authorization])).toEqual([
      [TOKEN_URL, expect.stringMatching(/^Basic /)],
      [url, "Bearer tok-shared"],
    ]);
  });

  it("an attempt that times out while the token is requested reports the token's own timeout", async () => {
    const fake = scriptedFetch(hang);
    const auth = serviceAccountAuth("id", "secret", "https://atlas.test", { fetch: fake.fetch, timeoutMs: 5 });
    const attempt = new AbortController();
    const fetching = auth.fetch("https://atlas.test/api/atlas/v2/x", { signal: attempt.signal });
    attempt.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    const error = await fetching.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ kind: "timeout", path: "/api/oauth/token" });
    expect((error as Error).message).toContain("no token within 5 ms");
  });

  it("rejects missing credentials up front without echoing them", () => {
    expect(() => serviceAccountAuth("", "secret", "https://atlas.test")).toThrow(
      "[pulumi-atlas-x509] clientId is required",
    );
    expect(() => serviceAccountAuth("id", " ", "https://atlas.test")).toThrow(
      "[pulumi-atlas-x509] clientSecret is required",
    );
    expect(() => digestAuth("pub", "")).toThrow("[pulumi-atlas-x509] privateKey is required");
  });
});

describe("digest", () => {
  const CHALLENGE = 'Digest realm="MMS Public API", domain="", nonce="n0nce", algorithm=MD5, qop="auth", stale=false';

  function digestServer() {
    return scriptedFetch((call) =>
      call.headers.authorization?.startsWith("Digest ")
        ? json(200, {})
        : new Response('{"error":401}', { status: 401, headers: { "www-authenticate": CHALLENGE } }),
    );
  }

  it("loads digest-fetch only when digest auth is first used", async () => {
    const server = digestServer();
    const auth = digestAuth("pub", "priv", server.fetch);
    expect(mockDigestModule.loads).toBe(0);
    await auth.fetch("https://atlas.test/api/atlas/v2/groups/g/userSecurity", { method: "GET", headers: {} });
    expect(mockDigestModule.loads).toBe(1);
  });

  it("pays one challenge per auth object, shared by concurrent first calls", async () => {
    const server = digestServer();
    const auth = digestAuth("pub", "priv", server.fetch);
    const url = "https://atlas.test/api/atlas/v2/groups/g/userSecurity?pretty=false";
    const responses = await Promise.all(
      [1, 2, 3].map(() => auth.fetch(url, { method: "GET", headers: { accept: "a" } })),
    );
    await auth.fetch(url, { method: "GET", headers: {} });
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const unauthenticated = server.calls.filter((c) => c.headers.authorization === undefined);
    expect(unauthenticated).toHaveLength(1);
    expect(server.calls).toHaveLength(5);
    const header = server.calls.at(-1)!.headers.authorization!;
    expect(header).toMatch(
      /^Digest username="pub",realm="MMS Public API",nonce="n0nce",uri="\/api\/atlas\/v2\/groups\/g\/userSecurity\?pretty=false",/,
    );
    expect(header).not.toContain("priv");
  });

  it("stops waiting for another call's challenge when its own signal aborts, saying nothing was sent", async () => {
    const { step, arrived } = hangOnArrival();
    const server = scriptedFetch(step);
    const auth = digestAuth("pub", "priv", server.fetch);
    const url = "https://atlas.test/api/atlas/v2/groups/g/userSecurity";
    const first = auth.fetch(url, { method: "GET", headers: {}, signal: AbortSignal.timeout(600_000) });
    await arrived;
    const stop = new AbortController();
    const second = auth.fetch(url, { method: "GET", headers: {}, signal: stop.signal });
    const reason = new Error("stopped");
    stop.abort(reason);
    await expect(second).rejects.toMatchObject({ name: "RequestNotSent", reason });
    expect(server.calls).toHaveLength(1);
    void first.catch(() => undefined);
  });

  it("a POST certs cancelled while it waits for another call's challenge was never sent: no key is lost", async () => {
    const { step, arrived } = hangOnArrival();
    const server = scriptedFetch(step);
    const cancel = new AbortController();
    const client = new AtlasClient({
      baseUrl: "https://atlas.test",
      auth: digestAuth("pub", "priv", server.fetch),
      signal: cancel.signal,
      timeoutMs: 600_000,
    });
    const reading = client.getUserSecurity(GROUP).catch((error: unknown) => error);
    await arrived;
    const creating = client.createUserCert(GROUP, "app", 3).catch((error: unknown) => error);
    cancel.abort();
    const error = await creating;
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ kind: "cancelled", outcomeUnknown: false });
    expect((error as Error).message).not.toContain("private key never arrived");
    expect(await reading).toMatchObject({ kind: "cancelled" });
    expect(server.calls).toHaveLength(1);
  });

  it("is kept as a real import() in the compiled CommonJS output", () => {
    const source = readFileSync(join(__dirname, "../../provider/atlas/digest-fetch-loader.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        target: ts.ScriptTarget.ES2023,
      },
      fileName: "digest-fetch-loader.cts",
    });
    expect(outputText).toMatch(/exports\.loadDigestFetch/);
    expect(outputText).toContain('import("digest-fetch")');
    expect(outputText).not.toMatch(/require\("digest-fetch"\)/);
  });
});
