// The Atlas routes the emulator serves, identical under /api/atlas/v2 and /api/atlas/v1.0. The certs route comes
// before the user route because "/databaseUsers/{username}/certs" would otherwise read as database "{username}",
// user "certs".
import type { ApiContext } from "./api-context";
import type { ApiResponse } from "./http-io";
import type { Route } from "./router";
import { createDatabaseUser, deleteDatabaseUser, getDatabaseUser, updateDatabaseUser } from "./handlers/database-users";
import { createUserCert, listUserCerts } from "./handlers/user-certs";
import { disableCustomerX509, getUserSecurity, updateUserSecurity } from "./handlers/user-security";

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
];

/** Atlas's observed bucket sizes (reference SNAP): certs endpoints 1200, user endpoints 10000. */
export function nominalRateLimit(template: string | undefined): number {
  return template === CERTS ? 1200 : 10000;
}
