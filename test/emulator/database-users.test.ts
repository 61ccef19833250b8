// Database users: create/read/update/delete, X.509 rules, DN and dotted usernames in path segments.
import { validateRequest } from "../support/openapi";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, json, seg, specErrors, type Api } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;
let group: string;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048 });
  atlas = new AtlasCaller(emulator);
  group = `/groups/${emulator.projectId}`;
});
afterAll(() => emulator.close());

const roles = [{ databaseName: "admin", roleName: "readAnyDatabase" }];

function x509User(username: string, x509Type: "MANAGED" | "CUSTOMER" = "MANAGED") {
  return { databaseName: "$external", groupId: emulator.projectId, roles, username, x509Type };
}

async function create(body: Record<string, unknown>, api: Api = "v2") {
  return atlas.call("POST", `${group}/databaseUsers`, { body, api });
}

describe("database users", () => {
  it.each(["v2", "v1.0"] as const)("creates a MANAGED X.509 user in $external (%s)", async (api) => {
    const body = x509User(`managed-${api}`);
    expect(
      validateRequest(api === "v2" ? "v2" : "v1", "POST", "/groups/{groupId}/databaseUsers", JSON.stringify(body)),
    ).toEqual([]);
    const response = await create(body, api);
    expect(response.status).toBe(201);
    expect(specErrors(response)).toEqual([]);
    expect(json(response)).toEqual({
      awsIAMType: "NONE",
      databaseName: "$external",
      groupId: emulator.projectId,
      labels: [],
      ldapAuthType: "NONE",
      links: [{ href: expect.stringContaining(`/databaseUsers/$external/managed-${api}`), rel: "self" }],
      oidcAuthType: "NONE",
      roles,
      scopes: [],
      username: `managed-${api}`,
      x509Type: "MANAGED",
    });
  });

  it("round-trips a CUSTOMER user whose username is an RFC 2253 DN with commas, '=' and spaces", async () => {
    const username = "CN=david@example.com,OU=users and admins,DC=example,DC=com";
    expect((await create(x509User(username, "CUSTOMER"))).status).toBe(201);
    const path = `${group}/databaseUsers/${seg("$external")}/${seg(username)}`;
    const got = await atlas.call("GET", path);
    expect(got.status).toBe(200);
    expect(json(got)).toMatchObject({ username, x509Type: "CUSTOMER" });
    expect(specErrors(got)).toEqual([]);
    // "$external" unencoded in the path works too, as in SNAP's DELETE.
    expect((await atlas.call("GET", `${group}/databaseUsers/$external/${seg(username)}`)).status).toBe(200);
  });

  it("handles usernames containing dots", async () => {
    expect((await create(x509User("rob.carlan"))).status).toBe(201);
    const got = await atlas.call("GET", `${group}/databaseUsers/$external/rob.carlan`);
    expect(json(got)).toMatchObject({ username: "rob.carlan" });
  });

  it("updates roles with PATCH and answers 200 with the whole user", async () => {
    await create(x509User("patch-me"));
    const newRoles = [{ databaseName: "sales", roleName: "readWrite", collectionName: "orders" }];
    const response = await atlas.call("PATCH", `${group}/databaseUsers/$external/patch-me`, {
      body: { roles: newRoles },
    });
    expect(response.status).toBe(200);
    expect(json(response)).toMatchObject({ roles: newRoles, x509Type: "MANAGED" });
    expect(specErrors(response)).toEqual([]);
  });

  it("refuses to change the authentication type: 409 AUTH_TYPE_CANNOT_BE_CHANGED", async () => {
    await create(x509User("fixed-type"));
    const response = await atlas.call("PATCH", `${group}/databaseUsers/$external/fixed-type`, {
      body: { x509Type: "CUSTOMER" },
    });
    expect(response.status).toBe(409);
    expect(json(response)).toMatchObject({ error: 409, errorCode: "AUTH_TYPE_CANNOT_BE_CHANGED" });
    expect(specErrors(response)).toEqual([]);
  });

  it("deletes with 204 and then answers 404 USERNAME_NOT_FOUND", async () => {
    await create(x509User("short-lived"));
    const deleted = await atlas.call("DELETE", `${group}/databaseUsers/$external/short-lived`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect(specErrors(deleted)).toEqual([]);
    const gone = await atlas.call("GET", `${group}/databaseUsers/$external/short-lived`);
    expect(gone.status).toBe(404);
    expect(json(gone)).toMatchObject({ error: 404, errorCode: "USERNAME_NOT_FOUND", reason: "Not Found" });
    expect(specErrors(gone)).toEqual([]);
    const deleteAgain = await atlas.call("DELETE", `${group}/databaseUsers/$external/short-lived`);
    expect(deleteAgain.status).toBe(404);
  });

  it("looks users up per database: an X.509 user is not found under admin", async () => {
    await create(x509User("external-only"));
    const response = await atlas.call("GET", `${group}/databaseUsers/admin/external-only`);
    expect(response.status).toBe(404);
  });

  it.each([
    [
      "X.509 outside $external",
      "DATABASE_NAME_INVALID_EXTERNAL",
      { roles, username: "in-admin", x509Type: "MANAGED", databaseName: "admin" },
    ],
    [
      "X.509 with a password",
      "ATLAS_X509_USER_CANNOT_USE_SCRAM",
      { roles, username: "pw", x509Type: "MANAGED", databaseName: "$external", password: "secret-password" },
    ],
    ["no roles", "MISSING_ATTRIBUTE", { username: "no-roles", x509Type: "MANAGED", databaseName: "$external" }],
    [
      "empty roles",
      "MISSING_ATTRIBUTE",
      { roles: [], username: "no-roles", x509Type: "MANAGED", databaseName: "$external" },
    ],
    ["no username", "MISSING_ATTRIBUTE", { roles, x509Type: "MANAGED", databaseName: "$external" }],
    [
      "an unknown x509Type",
      "INVALID_ENUM_VALUE",
      { roles, username: "odd", x509Type: "SELF", databaseName: "$external" },
    ],
    [
      "a temporary X.509 user",
      "ATLAS_X509_USER_CANNOT_BE_TEMPORARY",
      {
        roles,
        username: "tmp",
        x509Type: "MANAGED",
        databaseName: "$external",
        deleteAfterDate: "2030-01-01T00:00:00Z",
      },
    ],
  ])("rejects %s with 400 %s", async (_name, errorCode, body) => {
    const response = await create(body);
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 400, errorCode });
    expect(specErrors(response)).toEqual([]);
  });

  it('takes "scopes": null as no scopes, as MongoDB\'s Go client sends it: on create, and on update (scopes kept)', async () => {
    const created = await create({ ...x509User("null-scopes"), scopes: null });
    expect(created.status).toBe(201);
    expect(json(created)).toMatchObject({ scopes: [], username: "null-scopes" });
    const scopes = [{ name: "Cluster0", type: "CLUSTER" }];
    const path = `${group}/databaseUsers/$external/null-scopes`;
    expect(json(await atlas.call("PATCH", path, { body: { scopes } }))).toMatchObject({ scopes });
    const patched = await atlas.call("PATCH", path, { body: { roles, scopes: null } });
    expect(patched.status).toBe(200);
    expect(json(patched)).toMatchObject({ roles, scopes });
  });

  it.each([
    ["labels", "INVALID_ATTRIBUTE"],
    ["description", "INVALID_ATTRIBUTE"],
    ["x509Type", "INVALID_ENUM_VALUE"],
    ["databaseName", "INVALID_ENUM_VALUE"],
    ["roles", "INVALID_ATTRIBUTE"],
  ])("refuses a null %s, which no known client sends, with 400 %s and creates nothing", async (name, errorCode) => {
    const username = `null-${name}`;
    const response = await create({ ...x509User(username), [name]: null });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: 400, errorCode });
    expect(specErrors(response)).toEqual([]);
    expect((await atlas.call("GET", `${group}/databaseUsers/$external/${username}`)).status).toBe(404);
  });

  it("rejects a duplicate with 409 USER_ALREADY_EXISTS", async () => {
    expect((await create(x509User("twice"))).status).toBe(201);
    const again = await create(x509User("twice"));
    expect(again.status).toBe(409);
    expect(json(again)).toMatchObject({ errorCode: "USER_ALREADY_EXISTS" });
  });

  it("creates a SCRAM user in admin and never returns its password", async () => {
    const response = await create({ databaseName: "admin", password: "correct-horse", roles, username: "scram" });
    expect(response.status).toBe(201);
    expect(response.text).not.toContain("correct-horse");
    expect(specErrors(response)).toEqual([]);
  });

  it("sees users created and deleted out of band through the control API", async () => {
    await emulator.control.createUser(emulator.projectId, "oob", "MANAGED");
    expect((await atlas.call("GET", `${group}/databaseUsers/$external/oob`)).status).toBe(200);
    await emulator.control.deleteUser(emulator.projectId, "oob");
    expect((await atlas.call("GET", `${group}/databaseUsers/$external/oob`)).status).toBe(404);
  });

  it("seeds users from the options: X.509 in $external, NONE in admin", async () => {
    const seeded = await startEmulator({
      keyBits: 2048,
      seedUsers: [
        { username: "m", x509Type: "MANAGED" },
        { username: "n", x509Type: "NONE" },
      ],
    });
    try {
      const caller = new AtlasCaller(seeded);
      expect((await caller.call("GET", `/groups/${seeded.projectId}/databaseUsers/$external/m`)).status).toBe(200);
      expect(json(await caller.call("GET", `/groups/${seeded.projectId}/databaseUsers/admin/n`))).toMatchObject({
        x509Type: "NONE",
      });
    } finally {
      await seeded.close();
    }
  });
});
