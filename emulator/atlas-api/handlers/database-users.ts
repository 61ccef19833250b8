// Database users: POST /groups/{groupId}/databaseUsers and GET|PATCH|DELETE .../databaseUsers/{databaseName}/{username}.
// Only what X.509 tests need is modelled in depth (x509Type, $external, roles); other auth types are accepted
// as enums so the "one auth method per user" rules can be enforced.
import type { ApiResponse } from "../../http/io";
import { DATABASE_NAMES, type DatabaseUser, type DatabaseUserRole } from "../../state";
import { X509_TYPES } from "../../types";
import type { ApiContext } from "../context";
import { ApiError, atlasErrors } from "../errors";
import { emptyResponse } from "../responses";

const AWS_IAM_TYPES = ["NONE", "USER", "ROLE"] as const;
const LDAP_AUTH_TYPES = ["NONE", "GROUP", "USER"] as const;
const OIDC_AUTH_TYPES = ["NONE", "IDP_GROUP", "USER"] as const;

/**
 * Optional attributes whose `null` means "not given". MongoDB's Go client (go.mongodb.org/atlas, under the Atlas
 * CLI and Terraform's provider for years) declares `scopes` without `omitempty`, so it sends `"scopes": null` in
 * every create and update of a user without scopes, and Atlas accepts it. Its other attributes are all `omitempty`
 * and no client is known to send null for them: there null stays a value of the wrong type, as the OpenAPI says.
 */
const NULL_MEANS_ABSENT = ["scopes"] as const;

export function createDatabaseUser(ctx: ApiContext): ApiResponse {
  const body = withoutAbsentNulls(ctx.jsonObject());
  const user = newUserFromBody(body);
  if (ctx.project.findUser(user.databaseName, user.username)) throw atlasErrors.userAlreadyExists();
  ctx.project.putUser(user);
  return ctx.json(201, renderUser(ctx, user));
}

export function getDatabaseUser(ctx: ApiContext): ApiResponse {
  return ctx.json(200, renderUser(ctx, existingUser(ctx)));
}

export function updateDatabaseUser(ctx: ApiContext): ApiResponse {
  const user = existingUser(ctx);
  const body = withoutAbsentNulls(ctx.jsonObject());
  if (body.username !== undefined && body.username !== user.username) throw atlasErrors.usernameCannotBeChanged();
  if (body.databaseName !== undefined && body.databaseName !== user.databaseName) {
    throw atlasErrors.databaseNameCannotBeChanged();
  }
  const authTypes = {
    x509Type: user.x509Type,
    awsIAMType: user.awsIAMType,
    ldapAuthType: user.ldapAuthType,
    oidcAuthType: user.oidcAuthType,
  };
  for (const [field, current] of Object.entries(authTypes)) {
    if (body[field] !== undefined && body[field] !== current) throw atlasErrors.authTypeCannotBeChanged();
  }
  const external = isExternal(user);
  const updated: DatabaseUser = { ...user };
  if (body.roles !== undefined) updated.roles = parseRoles(body.roles);
  if (body.scopes !== undefined) updated.scopes = parseArray(body.scopes, "scopes");
  if (body.labels !== undefined) updated.labels = parseArray(body.labels, "labels");
  if (body.description !== undefined) updated.description = parseDescription(body.description);
  if (body.password !== undefined) {
    if (user.x509Type !== "NONE") throw atlasErrors.x509UserCannotUseScram();
    if (external) throw atlasErrors.invalidAttribute("password");
    updated.password = parsePassword(body.password);
  }
  if (body.deleteAfterDate !== undefined) {
    if (user.x509Type !== "NONE") throw atlasErrors.x509UserCannotBeTemporary();
    updated.deleteAfterDate = parseDate(body.deleteAfterDate, "deleteAfterDate");
  }
  ctx.project.putUser(updated);
  return ctx.json(200, renderUser(ctx, updated));
}

export function deleteDatabaseUser(ctx: ApiContext): ApiResponse {
  const user = existingUser(ctx);
  ctx.project.deleteUser(user.databaseName, user.username);
  return emptyResponse(ctx.api, 204);
}

/** The default only for an absent attribute: a null one is parsed, and refused, as the value it is. */
function orDefault(value: unknown, fallback: string): unknown {
  return value === undefined ? fallback : value;
}

function withoutAbsentNulls(body: Record<string, unknown>): Record<string, unknown> {
  const given = { ...body };
  for (const name of NULL_MEANS_ABSENT) if (given[name] === null) delete given[name];
  return given;
}

function existingUser(ctx: ApiContext): DatabaseUser {
  const { databaseName, username } = ctx.params as { databaseName: string; username: string };
  const user = ctx.project.findUser(databaseName, username);
  if (!user) throw atlasErrors.usernameNotFound(username);
  return user;
}

function newUserFromBody(body: Record<string, unknown>): DatabaseUser {
  if (typeof body.username !== "string" || body.username === "") throw atlasErrors.missingAttribute("username");
  if (body.username.length > 1024) throw atlasErrors.invalidAttribute("username");
  const databaseName = parseEnum(orDefault(body.databaseName, "admin"), DATABASE_NAMES, "databaseName");
  const user: DatabaseUser = {
    username: body.username,
    databaseName,
    x509Type: parseEnum(orDefault(body.x509Type, "NONE"), X509_TYPES, "x509Type"),
    awsIAMType: parseEnum(orDefault(body.awsIAMType, "NONE"), AWS_IAM_TYPES, "awsIAMType"),
    ldapAuthType: parseEnum(orDefault(body.ldapAuthType, "NONE"), LDAP_AUTH_TYPES, "ldapAuthType"),
    oidcAuthType: parseEnum(orDefault(body.oidcAuthType, "NONE"), OIDC_AUTH_TYPES, "oidcAuthType"),
    roles: body.roles === undefined ? [] : parseRoles(body.roles),
    scopes: body.scopes === undefined ? [] : parseArray(body.scopes, "scopes"),
    labels: body.labels === undefined ? [] : parseArray(body.labels, "labels"),
  };
  if (user.roles.length === 0) throw atlasErrors.missingAttribute("roles");
  if (body.description !== undefined) user.description = parseDescription(body.description);

  const externalMethods = [user.x509Type, user.awsIAMType, user.ldapAuthType, user.oidcAuthType].filter(
    (t) => t !== "NONE",
  );
  if (externalMethods.length > 1) {
    throw user.x509Type !== "NONE" && user.ldapAuthType !== "NONE"
      ? new ApiError(400, "ATLAS_X509_USER_CANNOT_USE_LDAP", "X.509 database users cannot use LDAP authentication.")
      : atlasErrors.invalidAttribute("x509Type");
  }
  if (user.x509Type !== "NONE") {
    if (body.password !== undefined) throw atlasErrors.x509UserCannotUseScram();
    if (body.deleteAfterDate !== undefined) throw atlasErrors.x509UserCannotBeTemporary();
  }
  if (externalMethods.length > 0 && databaseName !== "$external") throw atlasErrors.databaseNameInvalidExternal();
  if (externalMethods.length === 0) {
    // A SCRAM user: admin database and a password.
    if (databaseName !== "admin") throw atlasErrors.invalidAttribute("databaseName");
    if (body.password === undefined) throw atlasErrors.missingAttribute("password");
    user.password = parsePassword(body.password);
  } else if (body.password !== undefined) {
    throw atlasErrors.invalidAttribute("password");
  }
  if (body.deleteAfterDate !== undefined) user.deleteAfterDate = parseDate(body.deleteAfterDate, "deleteAfterDate");
  return user;
}

/** Atlas-style body: alphabetical keys, write-only fields (password) left out, groupId included. */
function renderUser(ctx: ApiContext, user: DatabaseUser): Record<string, unknown> {
  // As recorded: ".../databaseUsers/$external/user389" ("$" is legal in a path and Atlas leaves it as is).
  const path = `/groups/${ctx.project.id}/databaseUsers/${linkSegment(user.databaseName)}/${linkSegment(user.username)}`;
  return {
    awsIAMType: user.awsIAMType,
    databaseName: user.databaseName,
    deleteAfterDate: user.deleteAfterDate,
    description: user.description,
    groupId: ctx.project.id,
    labels: user.labels,
    ldapAuthType: user.ldapAuthType,
    links: [{ href: ctx.link(path), rel: "self" }],
    oidcAuthType: user.oidcAuthType,
    roles: user.roles,
    scopes: user.scopes,
    username: user.username,
    x509Type: user.x509Type,
  };
}

/** Percent-encoding for a self link; how Atlas escapes DN usernames there is not recorded (a guess). */
function linkSegment(value: string): string {
  return encodeURIComponent(value).replace(/%24/g, "$");
}

function isExternal(user: DatabaseUser): boolean {
  return user.databaseName === "$external";
}

function parseEnum<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw atlasErrors.invalidEnumValue(value, name);
  }
  return value as T;
}

function parseRoles(value: unknown): DatabaseUserRole[] {
  if (!Array.isArray(value)) throw atlasErrors.invalidAttribute("roles");
  return value.map((role: unknown) => {
    if (role === null || typeof role !== "object") throw atlasErrors.invalidAttribute("roles");
    const { roleName, databaseName, collectionName } = role as Record<string, unknown>;
    if (typeof roleName !== "string" || roleName === "" || typeof databaseName !== "string" || databaseName === "") {
      throw atlasErrors.invalidAttribute("roles");
    }
    if (collectionName !== undefined && typeof collectionName !== "string") throw atlasErrors.invalidAttribute("roles");
    return collectionName === undefined ? { databaseName, roleName } : { collectionName, databaseName, roleName };
  });
}

function parseArray(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw atlasErrors.invalidAttribute(name);
  return value;
}

function parseDescription(value: unknown): string {
  if (typeof value !== "string" || value.length > 100) throw atlasErrors.invalidAttribute("description");
  return value;
}

function parsePassword(value: unknown): string {
  if (typeof value !== "string" || value.length < 8) throw atlasErrors.invalidAttribute("password");
  return value;
}

function parseDate(value: unknown, name: string): string {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw atlasErrors.invalidAttribute(name);
  return value;
}
