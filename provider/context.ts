// What both resource providers share: the resolved settings, one Atlas client per plugin process, and the
// warning sink. Created by runtime.ts when the dynamic-provider plugin configures a provider, by the provider
// plugin's Configure (plugin/server.ts), or directly by tests.
import { AtlasClient } from "./atlas/client";
import { digestAuth, serviceAccountAuth } from "./atlas/auth";
import {
  describeProblems,
  resolveSettings,
  type ConfigKeys,
  type ConfigSource,
  type ProviderSettings,
  type SettingsProblem,
} from "./config";
import { engineWarning, type WarningSink } from "./diagnostics";

export interface ProviderContextOptions {
  config?: ConfigSource;
  /** The config key of each setting, as problems name it (default: the dynamic resources' keys). */
  configKeys?: ConfigKeys;
  env?: NodeJS.ProcessEnv;
  /** Replaces the engine warning channel (tests). */
  warn?: WarningSink;
  /** Builds the client from settings and the cancel signal (tests set small retry delays). */
  clientFactory?: (settings: ProviderSettings, signal?: AbortSignal) => AtlasClient;
  now?: () => Date;
  /** Aborts every Atlas request of this provider: the provider plugin's Cancel. */
  signal?: AbortSignal;
}

export class ProviderContext {
  readonly problems: readonly SettingsProblem[];
  readonly warn: WarningSink;
  readonly now: () => Date;
  private readonly settings?: ProviderSettings;
  private readonly clientFactory: (settings: ProviderSettings, signal?: AbortSignal) => AtlasClient;
  private readonly signal?: AbortSignal;
  private atlasClient?: AtlasClient;

  constructor(options: ProviderContextOptions = {}) {
    const resolved = resolveSettings(options.config, options.env ?? process.env, options.configKeys);
    this.settings = resolved.settings;
    this.problems = resolved.problems;
    this.warn = options.warn ?? engineWarning;
    this.now = options.now ?? (() => new Date());
    this.clientFactory = options.clientFactory ?? createAtlasClient;
    this.signal = options.signal;
  }

  /** The Atlas client; throws one error listing every configuration problem when there is no usable setup. */
  client(): AtlasClient {
    if (!this.settings) throw new Error(describeProblems(this.problems));
    this.atlasClient ??= this.clientFactory(this.settings, this.signal);
    return this.atlasClient;
  }
}

export function createAtlasClient(settings: ProviderSettings, signal?: AbortSignal): AtlasClient {
  const { credentials } = settings;
  const auth =
    credentials.kind === "digest"
      ? digestAuth(credentials.publicKey, credentials.privateKey)
      : serviceAccountAuth(credentials.clientId, credentials.clientSecret, settings.baseUrl, {
          timeoutMs: settings.requestTimeoutMs,
        });
  return new AtlasClient({
    baseUrl: settings.baseUrl,
    apiVersion: settings.apiVersion,
    auth,
    timeoutMs: settings.requestTimeoutMs,
    signal,
  });
}
