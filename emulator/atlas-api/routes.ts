// The Atlas API's route table: the Atlas Admin API routes the emulator serves, identical under /api/atlas/v2 and
// /api/atlas/v1.0. The certs route comes before the user route because "/databaseUsers/{username}/certs" would
// otherwise read as database "{username}", user "certs".
import type { ApiResponse } from "../http/io";
import type { Route } from "../http/route-matcher";
import type { ApiContext } from "./context";
import { createDatabaseUser, deleteDatabaseUser, getDatabaseUser, updateDatabaseUser } from "./handlers/database-users";
import { createUserCert, listUserCerts } from "./handlers/user-certs";
import {
  deleteUserToDnMapping,
  disableCustomerX509,
  getUserSecurity,
  updateUserSecurity,
} from "./handlers/user-security";

export type ApiHandler = (ctx: ApiContext) => ApiResponse | Promise<ApiResponse>;

const USERS = "/groups/{groupId}/databaseUsers";
const USER = "/groups/{groupId}/databaseUsers/{databaseName}/{username}";
const CERTS = "/groups/{groupId}/databaseUsers/{username}/certs";
const USER_SECURITY = "/groups/{groupId}/userSecurity";

export const API_ROUTES: readonly Route<ApiHandler>[] = [
  { method: "POST", template: USERS, handler: createDatabaseUser },
  { method: "GET", template: CERTS, handler: listUserCerts },
  { method: "POST", template: CERTS, handler: createUserCert },
  { method: "GET", template: USER, handler: getDatabaseUser },
  { method: "PATCH", template: USER, handler: updateDatabaseUser },
  { method: "DELETE", template: USER, handler: deleteDatabaseUser },
  { method: "GET", template: USER_SECURITY, handler: getUserSecurity },
  { method: "PATCH", template: USER_SECURITY, handler: updateUserSecurity },
  { method: "DELETE", template: `${USER_SECURITY}/customerX509`, handler: disableCustomerX509 },
  { method: "DELETE", template: `${USER_SECURITY}/ldap/userToDNMapping`, handler: deleteUserToDnMapping },
];

/**
 * Atlas's rate-limit family of a route and its RateLimit-Limit, as recorded: the certs routes (GET and POST share
 * one budget) and every userSecurity route (one budget across methods) 1200; POST and DELETE databaseUsers 10000
 * (GET and PATCH of a user are not recorded: 10000 is a guess). Undefined for paths that match no route.
 */
export function rateLimitFamily(template: string | undefined): { family: string; limit: number } | undefined {
  if (template === undefined) return undefined;
  if (template === CERTS) return { family: "certs", limit: 1200 };
  if (template.startsWith(USER_SECURITY)) return { family: "userSecurity", limit: 1200 };
  return { family: "databaseUsers", limit: 10000 };
}
