// Provider settings: where to reach Atlas and with which credentials. Read in the dynamic provider's
// configure() from the stack configuration (the official mongodbatlas provider's keys), falling back to the
// environment. Nothing here is ever captured into the serialized provider or written to state.

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
}

const supportedApiVersions: readonly AtlasApiVersion[] = ["v2", "v1.0"];

/** Each setting: its stack config key, then the environment variables that stand in for it, in order. */
const sources = {
  publicKey: ["mongodbatlas:publicKey", "MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY"],
  privateKey: ["mongodbatlas:privateKey", "MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY"],
  clientId: ["mongodbatlas:clientId", "MONGODB_ATLAS_CLIENT_ID"],
  clientSecret: ["mongodbatlas:clientSecret", "MONGODB_ATLAS_CLIENT_SECRET"],
  baseUrl: ["mongodbatlas:baseUrl", "MONGODB_ATLAS_BASE_URL"],
  isMongodbgovCloud: ["mongodbatlas:isMongodbgovCloud", "MONGODB_ATLAS_IS_MONGODBGOV_CLOUD"],
  apiVersion: ["atlas-x509:apiVersion", "ATLAS_X509_API_VERSION"],
  requestTimeoutSeconds: ["atlas-x509:requestTimeoutSeconds", "ATLAS_X509_REQUEST_TIMEOUT_SECONDS"],
} as const;

export const defaultRequestTimeoutSeconds = 30;
const maxRequestTimeoutSeconds = 600;

type SettingName = keyof typeof sources;

export const credentialOptionsHint =
  "set mongodbatlas:publicKey and mongodbatlas:privateKey (pulumi config set --secret ...), " +
  "or mongodbatlas:clientId and mongodbatlas:clientSecret for a service account; " +
  "or the environment variables MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY, " +
  "or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET";

export interface ResolvedSettings {
  settings?: ProviderSettings;
  problems: SettingsProblem[];
}

/** Resolves every setting and reports all problems at once. */
export function resolveSettings(config: ConfigSource | undefined, env: NodeJS.ProcessEnv): ResolvedSettings {
  const lookup = (name: SettingName): string | undefined => {
    const [configKey, ...envKeys] = sources[name];
    const fromConfig = config?.get(configKey);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    for (const key of envKeys) {
      const value = env[key];
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  const problems: SettingsProblem[] = [];

  const baseUrl = resolveBaseUrl(lookup("baseUrl"), lookup("isMongodbgovCloud"), problems);
  const apiVersion = resolveApiVersion(lookup("apiVersion"), problems);
  const requestTimeoutSeconds = resolveRequestTimeout(lookup("requestTimeoutSeconds"), problems);
  const credentials = resolveCredentials(
    { publicKey: lookup("publicKey"), privateKey: lookup("privateKey") },
    { clientId: lookup("clientId"), clientSecret: lookup("clientSecret") },
    problems,
  );
  if (problems.length > 0 || !baseUrl || !apiVersion || !credentials || !requestTimeoutSeconds) return { problems };
  return { settings: { baseUrl, apiVersion, credentials, requestTimeoutMs: requestTimeoutSeconds * 1000 }, problems };
}

function resolveBaseUrl(raw: string | undefined, gov: string | undefined, problems: SettingsProblem[]) {
  // Strictly true or false: a "TRUE" or "yes" read as false would send the credentials to the commercial cloud.
  const government =
    gov === undefined ? false : /^(true|1)$/i.test(gov) ? true : /^(false|0)$/i.test(gov) ? false : undefined;
  if (government === undefined) {
    problems.push({ key: sources.isMongodbgovCloud[0], reason: "must be true or false" });
    return undefined;
  }
  if (raw === undefined) return government ? GOVERNMENT_BASE_URL : DEFAULT_BASE_URL;
  const key = sources.baseUrl[0];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push({ key, reason: "is not a valid URL; expected e.g. https://cloud.mongodb.com" });
    return undefined;
  }
  if (url.username || url.password) {
    problems.push({ key, reason: "must not contain credentials; use mongodbatlas:publicKey/privateKey instead" });
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

function resolveApiVersion(raw: string | undefined, problems: SettingsProblem[]) {
  if (raw === undefined) return "v2";
  if ((supportedApiVersions as readonly string[]).includes(raw)) return raw as AtlasApiVersion;
  problems.push({
    key: sources.apiVersion[0],
    reason: `must be one of ${supportedApiVersions.join(", ")} (got ${JSON.stringify(raw.slice(0, 20))})`,
  });
  return undefined;
}

function resolveRequestTimeout(raw: string | undefined, problems: SettingsProblem[]) {
  if (raw === undefined) return defaultRequestTimeoutSeconds;
  const seconds = /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (seconds >= 1 && seconds <= maxRequestTimeoutSeconds) return seconds;
  problems.push({
    key: sources.requestTimeoutSeconds[0],
    reason: `must be a whole number of seconds from 1 to ${maxRequestTimeoutSeconds} (got ${JSON.stringify(raw.slice(0, 20))})`,
  });
  return undefined;
}

function resolveCredentials(
  apiKey: { publicKey?: string; privateKey?: string },
  serviceAccount: { clientId?: string; clientSecret?: string },
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
  halfSet(apiKey.publicKey, apiKey.privateKey, "mongodbatlas:publicKey", "mongodbatlas:privateKey");
  halfSet(apiKey.privateKey, apiKey.publicKey, "mongodbatlas:privateKey", "mongodbatlas:publicKey");
  halfSet(serviceAccount.clientId, serviceAccount.clientSecret, "mongodbatlas:clientId", "mongodbatlas:clientSecret");
  halfSet(serviceAccount.clientSecret, serviceAccount.clientId, "mongodbatlas:clientSecret", "mongodbatlas:clientId");
  for (const [key, value] of Object.entries({ ...apiKey, ...serviceAccount })) {
    if (value !== undefined && /\s/.test(value)) {
      problems.push({ key: `mongodbatlas:${key}`, reason: "contains white space (a copy-and-paste slip?)" });
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
    key: "mongodbatlas:publicKey",
    reason: `no Atlas credentials are configured: ${credentialOptionsHint}`,
  });
  return undefined;
}

/** One readable sentence listing every settings problem, for errors raised outside `check`. */
export function describeProblems(problems: readonly SettingsProblem[]): string {
  return `pulumi-atlas-x509 provider configuration: ${problems.map((p) => `${p.key} ${p.reason}`).join("; ")}`;
}
