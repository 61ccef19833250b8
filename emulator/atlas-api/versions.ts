// The two Atlas Admin API versions the emulator serves, where each lives, and the media type v2 negotiates.
export type ApiVersion = "v2" | "v1.0";

/** The only version date these operations have: v2 requests must Accept it, v2 answers carry it. */
export const ATLAS_V2_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";

/** "/api/atlas/v2" or "/api/atlas/v1.0". */
export function apiPrefix(api: ApiVersion): string {
  return `/api/atlas/${api}`;
}
