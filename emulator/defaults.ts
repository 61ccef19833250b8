// The emulator's defaults, each said once: those of EmulatorOptions (the CLI's --help quotes them) and Atlas's
// default certificate lifetime.

/** RSA size of issued keys and of each project's CA: Atlas issues RSA 4096 keys (recorded). */
export const DEFAULT_KEY_BITS = 4096;

/** Unexpired certificates per user before ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED. */
export const DEFAULT_CERTS_PER_USER_LIMIT = 500;

/** Lifetime of service-account access tokens. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** `monthsUntilExpiration` when a certificate request names none, as Atlas does. */
export const DEFAULT_CERT_MONTHS = 3;
