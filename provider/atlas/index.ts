// The Atlas Admin API client: one client, one error type, pluggable auth.
export {
  AtlasClient,
  DEFAULT_BASE_URL,
  GOVERNMENT_BASE_URL,
  pathSegment,
  type AtlasApiVersion,
  type AtlasClientOptions,
  type AtlasLogger,
  type DatabaseUser,
  type DatabaseUserRole,
  type UserCert,
  type UserSecurity,
} from "./client";
export { digestAuth, serviceAccountAuth, type AtlasAuth, type ServiceAccountAuthOptions } from "./auth";
export { AtlasApiError, type AtlasErrorKind } from "./errors";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
export { PACKAGE_NAME, packageVersion } from "./version";
