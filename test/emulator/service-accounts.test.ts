// Service-account (OAuth 2.0 client credentials) tokens and Bearer access, with expiry on the emulator clock.
import { startEmulator, type Emulator } from "../../emulator/index";
import { rawRequest, specErrors, V2_ACCEPT } from "../support/atlas-http";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, tokenTtlSeconds: 600 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.control.setClockOffset(0));

function basic(clientId: string, clientSecret: string): string {
  return "Basic " + Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
}

function requestToken(
  authorization: string,
  body = "grant_type=client_credentials",
  contentType = "application/x-www-form-urlencoded",
) {
  return rawRequest(emulator.baseUrl, "POST", "/api/oauth/token", {
    headers: { Authorization: authorization, "Content-Type": contentType, Accept: "application/json" },
    body,
  });
}

async function mintToken(): Promise<string> {
  const response = await requestToken(basic(emulator.credentials.clientId, emulator.credentials.clientSecret));
  expect(response.status).toBe(200);
  return (JSON.parse(response.text) as { access_token: string }).access_token;
}

function getUserSecurity(token: string) {
  return rawRequest(emulator.baseUrl, "GET", `/api/atlas/v2/groups/${emulator.projectId}/userSecurity`, {
    headers: { Authorization: `Bearer ${token}`, Accept: V2_ACCEPT },
  });
}

describe("service-account tokens", () => {
  it("mints a Bearer token for the client-credentials grant", async () => {
    expect(emulator.credentials.clientId).toMatch(/^mdb_sa_id_[0-9a-f]+$/);
    const response = await requestToken(basic(emulator.credentials.clientId, emulator.credentials.clientSecret));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.text)).toEqual({
      access_token: expect.any(String),
      expires_in: 600,
      token_type: "Bearer",
    });
  });

  it("accepts the token on the API", async () => {
    const response = await getUserSecurity(await mintToken());
    expect(response.status).toBe(200);
    expect(specErrors(response)).toEqual([]);
  });

  it("rejects a wrong client secret with invalid_client", async () => {
    const response = await requestToken(basic(emulator.credentials.clientId, "mdb_sa_sk_wrong"));
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ error: "invalid_client" });
  });

  it("rejects a request without client authentication", async () => {
    const response = await rawRequest(emulator.baseUrl, "POST", "/api/oauth/token", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ error: "invalid_client" });
  });

  it("rejects other grant types and non-form bodies", async () => {
    const auth = basic(emulator.credentials.clientId, emulator.credentials.clientSecret);
    const wrongGrant = await requestToken(auth, "grant_type=password");
    expect(wrongGrant.status).toBe(400);
    expect(JSON.parse(wrongGrant.text)).toMatchObject({ error: "unsupported_grant_type" });
    const jsonBody = await requestToken(auth, '{"grant_type":"client_credentials"}', "application/json");
    expect(jsonBody.status).toBe(400);
    expect(JSON.parse(jsonBody.text)).toMatchObject({ error: "invalid_request" });
  });

  it("expires tokens on the emulator clock", async () => {
    const token = await mintToken();
    await emulator.control.setClockOffset(599_000);
    expect((await getUserSecurity(token)).status).toBe(200);
    await emulator.control.setClockOffset(600_000);
    const expired = await getUserSecurity(token);
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.text)).toMatchObject({ error: 401, errorCode: "UNEXPECTED_ERROR" });
    expect(specErrors(expired)).toEqual([]);
  });

  it("rejects an unknown token with an ApiError", async () => {
    const response = await getUserSecurity("eyJhbGciOiJIUzI1NiJ9.e30.forged");
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ error: 401, errorCode: "UNEXPECTED_ERROR" });
  });

  it("revokes a token", async () => {
    const token = await mintToken();
    const revoke = await rawRequest(emulator.baseUrl, "POST", "/api/oauth/revoke", {
      headers: {
        Authorization: basic(emulator.credentials.clientId, emulator.credentials.clientSecret),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: `token=${encodeURIComponent(token)}&token_type_hint=access_token`,
    });
    expect(revoke.status).toBe(200);
    expect((await getUserSecurity(token)).status).toBe(401);
  });

  it("uses the configured client credentials", async () => {
    const custom = await startEmulator({
      keyBits: 2048,
      clientId: "mdb_sa_id_custom",
      clientSecret: "mdb_sa_sk_custom",
    });
    try {
      expect(custom.credentials).toMatchObject({ clientId: "mdb_sa_id_custom", clientSecret: "mdb_sa_sk_custom" });
      const response = await rawRequest(custom.baseUrl, "POST", "/api/oauth/token", {
        headers: {
          Authorization: basic("mdb_sa_id_custom", "mdb_sa_sk_custom"),
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      expect(response.status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});
