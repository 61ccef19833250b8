// Digest authentication exactly as Atlas challenges and verifies it, exercised by a hand-written client.
import { startEmulator, type Emulator } from "../../emulator/index";
import { digestAuthorization, parseChallenge, rawRequest, specErrors, V2_ACCEPT } from "../support/atlas-http";

let emulator: Emulator;
let userSecurityPath: string;
const accept = { Accept: V2_ACCEPT };

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048 });
  userSecurityPath = `/api/atlas/v2/groups/${emulator.projectId}/userSecurity`;
});
afterAll(() => emulator.close());

async function challenge(path = userSecurityPath): Promise<Record<string, string>> {
  const response = await rawRequest(emulator.baseUrl, "GET", path, { headers: accept });
  expect(response.status).toBe(401);
  return parseChallenge(response.headers["www-authenticate"] as string);
}

function authHeaders(
  path: string,
  nonce: string,
  nc: number,
  password = emulator.credentials.privateKey,
  method = "GET",
) {
  const authorization = digestAuthorization({
    username: emulator.credentials.publicKey,
    password,
    method,
    uri: path,
    nonce,
    nc,
  });
  return { ...accept, Authorization: authorization };
}

describe("digest authentication", () => {
  it("challenges an unauthenticated request with Atlas's header and an ApiError body", async () => {
    const response = await rawRequest(emulator.baseUrl, "GET", userSecurityPath, { headers: accept });
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(
      /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false$/,
    );
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.text)).toEqual({
      error: 401,
      reason: "Unauthorized",
      detail: "You are not authorized for this resource.",
      errorCode: "UNEXPECTED_ERROR",
    });
    expect(specErrors(response)).toEqual([]);
  });

  it("accepts a correct MD5 response and reuses the nonce with increasing and repeated nc values", async () => {
    const { nonce } = await challenge();
    for (const nc of [1, 2, 3, 3, 2]) {
      const response = await rawRequest(emulator.baseUrl, "GET", userSecurityPath, {
        headers: authHeaders(userSecurityPath, nonce!, nc),
      });
      expect(response.status).toBe(200);
    }
  });

  it("answers parallel requests that share one nonce and nc", async () => {
    const { nonce } = await challenge();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        rawRequest(emulator.baseUrl, "GET", userSecurityPath, { headers: authHeaders(userSecurityPath, nonce!, 7) }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it("verifies the uri including the query string, as digest-fetch computes it", async () => {
    const path = `/api/atlas/v2/groups/${emulator.projectId}/userSecurity?pretty=true`;
    const { nonce } = await challenge(path);
    const ok = await rawRequest(emulator.baseUrl, "GET", path, { headers: authHeaders(path, nonce!, 1) });
    expect(ok.status).toBe(200);
    const withoutQuery = await rawRequest(emulator.baseUrl, "GET", path, {
      headers: authHeaders(userSecurityPath, nonce!, 2),
    });
    expect(withoutQuery.status).toBe(401);
  });

  it("rejects a wrong private key with a fresh, non-stale challenge and Atlas's body", async () => {
    const { nonce } = await challenge();
    const response = await rawRequest(emulator.baseUrl, "GET", userSecurityPath, {
      headers: authHeaders(userSecurityPath, nonce!, 1, "not-the-private-key"),
    });
    expect(response.status).toBe(401);
    expect(parseChallenge(response.headers["www-authenticate"] as string)).toMatchObject({
      stale: "false",
      realm: "MMS Public API",
    });
    expect(JSON.parse(response.text)).toMatchObject({
      error: 401,
      errorCode: "UNEXPECTED_ERROR",
      reason: "Unauthorized",
    });
  });

  it("rejects an unknown public key", async () => {
    const { nonce } = await challenge();
    const authorization = digestAuthorization({
      username: "nobodyxx",
      password: emulator.credentials.privateKey,
      method: "GET",
      uri: userSecurityPath,
      nonce: nonce!,
      nc: 1,
    });
    const response = await rawRequest(emulator.baseUrl, "GET", userSecurityPath, {
      headers: { ...accept, Authorization: authorization },
    });
    expect(response.status).toBe(401);
  });

  it("answers a correct digest over an unknown nonce with stale=true, and the new nonce then works", async () => {
    const response = await rawRequest(emulator.baseUrl, "GET", userSecurityPath, {
      headers: authHeaders(userSecurityPath, "bm90LWEtbm9uY2UtdGhlLWVtdWxhdG9yLWlzc3VlZA", 1),
    });
    expect(response.status).toBe(401);
    const renewed = parseChallenge(response.headers["www-authenticate"] as string);
    expect(renewed.stale).toBe("true");
    const retry = await rawRequest(emulator.baseUrl, "GET", userSecurityPath, {
      headers: authHeaders(userSecurityPath, renewed.nonce!, 1),
    });
    expect(retry.status).toBe(200);
  });

  it("binds the digest to the method", async () => {
    const { nonce } = await challenge();
    const signedForGet = authHeaders(userSecurityPath, nonce!, 1);
    const response = await rawRequest(emulator.baseUrl, "PATCH", userSecurityPath, {
      headers: { ...signedForGet, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
  });
});
