// Provider settings: where to reach Atlas and with which credentials, falling back to the environment. The dynamic
// resources read them in configure() from the stack configuration, under the official mongodbatlas provider's keys;
// the provider plugin reads its own package's keys (atlas-x509:*) or an explicit provider's inputs. Nothing here is
// ever captured into the serialized provider or written to a resource's state.

import { DEFAULT_BASE_URL, GOVERNMENT_BASE_URL, type AtlasApiVersion } from "./atlas/client";

export type AtlasCredentials =
  | { kind: "digest"; publicKey: string; privateKey: string }
  | { kind: "serviceAccount"; clientId: string; clientSecret: string };

export interface ProviderSettings {
  baseUrl: string;
  apiVersion: AtlasApiVersion;
  credentials: AtlasCredentials;
  /** Time allowed for one attempt of one request (token requests included), in milliseconds. */
  requestTimeoutMs: number;
}

/** What configure() hands over: pulumi.dynamic.Config, or any map of namespaced keys. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** A problem with one setting; `key` names the stack config key, `reason` never echoes a secret. */
export interface SettingsProblem {
  key: string;
  reason: string;
  /** The value itself holds a secret (a URL with a password): whoever reports the problem must not show it. */
  valueHoldsSecret?: true;
}

const supportedApiVersions: readonly AtlasApiVersion[] = ["v2", "v1.0"];

/**
 * Each setting, said once: the environment variables that stand in for it when no config key sets it (in order),
 * its type and secrecy in the provider plugin's schema, and what it means.
 */
export const settingSpecs = {
  publicKey: {
    env: ["MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY"],
    type: "string",
    description: "Atlas API public key (HTTP digest authentication).",
  },
  privateKey: {
    env: ["MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY"],
    type: "string",
    secret: true,
    description: "Atlas API private key.",
  },
  clientId: {
    env: ["MONGODB_ATLAS_CLIENT_ID"],
    type: "string",
    description: "Atlas service account client id (OAuth 2.0 client credentials; wins over an API key).",
  },
  clientSecret: {
    env: ["MONGODB_ATLAS_CLIENT_SECRET"],
    type: "string",
    secret: true,
    description: "Atlas service account client secret.",
  },
  baseUrl: {
    env: ["MONGODB_ATLAS_BASE_URL"],
    type: "string",
    description: "The Atlas origin (default https://cloud.mongodb.com); https only, plain http for loopback addresses.",
  },
  isMongodbgovCloud: {
    env: ["MONGODB_ATLAS_IS_MONGODBGOV_CLOUD"],
    type: "boolean",
    description: "true: Atlas for Government (https://cloud.mongodbgov.com).",
  },
  apiVersion: {
    env: ["ATLAS_X509_API_VERSION"],
    type: "string",
    description: "v2 (default, application/vnd.atlas.2023-01-01+json) or the deprecated v1.0.",
  },
  requestTimeoutSeconds: {
    env: ["ATLAS_X509_REQUEST_TIMEOUT_SECONDS"],
    type: "integer",
    description: "Seconds allowed for one attempt of one request, 1 to 600 (default 30).",
  },
} as const satisfies Record<
  string,
  { env: readonly string[]; type: "string" | "boolean" | "integer"; secret?: true; description: string }
>;

export type SettingName = keyof typeof settingSpecs;
export const settingNames = Object.keys(settingSpecs) as SettingName[];

/** The config key of each setting: what a problem names, and what a ConfigSource is asked for. */
export type ConfigKeys = Record<SettingName, string>;

/** The dynamic resources share the official mongodbatlas provider's keys, and add two of their own. */
export const dynamicConfigKeys: ConfigKeys = {
  publicKey: "mongodbatlas:publicKey",
  privateKey: "mongodbatlas:privateKey",
  clientId: "mongodbatlas:clientId",
  clientSecret: "mongodbatlas:clientSecret",
  baseUrl: "mongodbatlas:baseUrl",
  isMongodbgovCloud: "mongodbatlas:isMongodbgovCloud",
  apiVersion: "atlas-x509:apiVersion",
  requestTimeoutSeconds: "atlas-x509:requestTimeoutSeconds",
};

/** The provider plugin is sent only its own package's keys (the engine never sends it mongodbatlas:*). */
export const pluginConfigKeys = Object.fromEntries(
  settingNames.map((name) => [name, `atlas-x509:${name}`]),
) as ConfigKeys;

export const defaultRequestTimeoutSeconds = 30;
const maxRequestTimeoutSeconds = 600;

export function credentialOptionsHint(keys: ConfigKeys): string {
  return (
    `set ${keys.publicKey} and ${keys.privateKey} (pulumi config set --secret ...), ` +
    `or ${keys.clientId} and ${keys.clientSecret} for a service account; ` +
    "or the environment variables MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY, " +
    "or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET"
  );
}

export interface ResolvedSettings {
  settings?: ProviderSettings;
  problems: SettingsProblem[];
}

/** Resolves every setting and reports all problems at once, each naming its key in `keys`. */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  keys: ConfigKeys = dynamicConfigKeys,
): ResolvedSettings {
  const lookup = (name: SettingName): string | undefined => {
    const fromConfig = config?.get(keys[name]);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    for (const key of settingSpecs[name].env) {
      const value = env[key];
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  const problems: SettingsProblem[] = [];
  const baseUrl = resolveBaseUrl(lookup("baseUrl"), lookup("isMongodbgovCloud"), keys, problems);
  const apiVersion = resolveApiVersion(lookup("apiVersion"), keys, problems);
  const requestTimeoutSeconds = resolveRequestTimeout(lookup("requestTimeoutSeconds"), keys, problems);
  const credentials = resolveCredentials(
    { publicKey: lookup("publicKey"), privateKey: lookup("privateKey") },
    { clientId: lookup("clientId"), clientSecret: lookup("clientSecret") },
    keys,
    problems,
  );
  if (problems.length > 0 || !baseUrl || !apiVersion || !credentials || !requestTimeoutSeconds) return { problems };
  return { settings: { baseUrl, apiVersion, credentials, requestTimeoutMs: requestTimeoutSeconds * 1000 }, problems };
}

function resolveBaseUrl(
  raw: string | undefined,
  gov: string | undefined,
  keys: ConfigKeys,
  problems: SettingsProblem[],
) {
  // Strictly true or false: a "TRUE" or "yes" read as false would send the credentials to the commercial cloud.
  const government =
    gov === undefined ? false : /^(true|1)$/i.test(gov) ? true : /^(false|0)$/i.test(gov) ? false : undefined;
  if (government === undefined) {
    problems.push({ key: keys.isMongodbgovCloud, reason: "must be true or false" });
    return undefined;
  }
  if (raw === undefined) return government ? GOVERNMENT_BASE_URL : DEFAULT_BASE_URL;
  const key = keys.baseUrl;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push({ key, reason: "is not a valid URL; expected e.g. https://cloud.mongodb.com" });
    return undefined;
  }
  if (url.username || url.password) {
    problems.push({
      key,
      reason: `must not contain credentials; use ${keys.publicKey} and ${keys.privateKey} instead`,
      valueHoldsSecret: true,
    });
    return undefined;
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    problems.push({ key, reason: `must use https (plain http is accepted for loopback addresses only)` });
    return undefined;
  }
  if (url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    problems.push({
      key,
      reason: "must be the Atlas origin only, without a path or query (e.g. https://cloud.mongodb.com)",
    });
    return undefined;
  }
  return url.origin;
}

function resolveApiVersion(raw: string | undefined, keys: ConfigKeys, problems: SettingsProblem[]) {
  if (raw === undefined) return "v2";
  if ((supportedApiVersions as readonly string[]).includes(raw)) return raw as AtlasApiVersion;
  problems.push({
    key: keys.apiVersion,
    reason: `must be one of ${supportedApiVersions.join(", ")} (got ${JSON.stringify(raw.slice(0, 20))})`,
  });
  return undefined;
}

function resolveRequestTimeout(raw: string | undefined, keys: ConfigKeys, problems: SettingsProblem[]) {
  if (raw === undefined) return defaultRequestTimeoutSeconds;
  const seconds = /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (seconds >= 1 && seconds <= maxRequestTimeoutSeconds) return seconds;
  problems.push({
    key: keys.requestTimeoutSeconds,
    reason: `must be a whole number of seconds from 1 to ${maxRequestTimeoutSeconds} (got ${JSON.stringify(raw.slice(0, 20))})`,
  });
  return undefined;
}

function resolveCredentials(
  apiKey: { publicKey?: string; privateKey?: string },
  serviceAccount: { clientId?: string; clientSecret?: string },
  keys: ConfigKeys,
  problems: SettingsProblem[],
): AtlasCredentials | undefined {
  const halfSet = (set: string | undefined, missing: string | undefined, setKey: string, missingKey: string) => {
    if (set !== undefined && missing === undefined) {
      problems.push({
        key: missingKey,
        reason: `is not set, but ${setKey} is: set both (pulumi config set --secret ${missingKey} ...) or neither`,
      });
    }
  };
  halfSet(apiKey.publicKey, apiKey.privateKey, keys.publicKey, keys.privateKey);
  halfSet(apiKey.privateKey, apiKey.publicKey, keys.privateKey, keys.publicKey);
  halfSet(serviceAccount.clientId, serviceAccount.clientSecret, keys.clientId, keys.clientSecret);
  halfSet(serviceAccount.clientSecret, serviceAccount.clientId, keys.clientSecret, keys.clientId);
  for (const [name, value] of Object.entries({ ...apiKey, ...serviceAccount })) {
    if (value !== undefined && /\s/.test(value)) {
      problems.push({ key: keys[name as SettingName], reason: "contains white space (a copy-and-paste slip?)" });
    }
  }
  if (problems.length > 0) return undefined;
  // Service accounts are Atlas's recommended method, so they win when both are configured.
  if (serviceAccount.clientId && serviceAccount.clientSecret) {
    return { kind: "serviceAccount", clientId: serviceAccount.clientId, clientSecret: serviceAccount.clientSecret };
  }
  if (apiKey.publicKey && apiKey.privateKey) {
    return { kind: "digest", publicKey: apiKey.publicKey, privateKey: apiKey.privateKey };
  }
  problems.push({
    key: keys.publicKey,
    reason: `no Atlas credentials are configured: ${credentialOptionsHint(keys)}`,
  });
  return undefined;
}

/** One readable sentence listing every settings problem, for errors raised outside `check`. */
export function describeProblems(problems: readonly SettingsProblem[]): string {
  return `pulumi-atlas-x509 provider configuration: ${problems.map((p) => `${p.key} ${p.reason}`).join("; ")}`;
}
