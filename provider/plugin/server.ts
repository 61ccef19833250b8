// The ResourceProvider gRPC service of the provider plugin, written on the stubs that @pulumi/pulumi ships. Not
// on @pulumi/pulumi's own provider server: that one ignores Configure (no settings would reach the provider),
// takes secrets (every value would arrive wrapped) and cannot answer a detailed diff.
//
// Every resource call goes to the provider class of the dynamic resource of the same name (resource-types.ts):
//   engine -> this service -> ManagedX509CertificateProvider / CustomerX509ConfigProvider -> AtlasClient -> Atlas
import type * as grpcTypes from "@grpc/grpc-js";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as providerRpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import { AsyncLocalStorage } from "node:async_hooks";
import { pluginConfigKeys, resolveSettings, settingNames, settingSpecs, type ConfigSource } from "../config";
import { ProviderContext } from "../context";
import { engineWarning, isBug, type EngineWarning } from "../diagnostics";
import { packageVersion } from "../atlas/version";
import { providerGrpc } from "../pulumi-grpc";
import type { ResourceDiff } from "../properties";
import { ProjectClaims } from "../resources/customerX509Config";
import { Cancellation, withDeadline } from "./operation-deadline";
import { inputsFromOutputs, pluginOutputs, resourceType, type PluginResourceType } from "./resource-types";
import { engineLinkHandlers } from "./engine-link";
import { packageSchema } from "./schema";
import { hasUnknowns, nameFromUrn, plain, withSecrets, type PropertyValues } from "./values";
import type * as pulumi from "@pulumi/pulumi";

const { grpc, structProto, emptyProto, providerProto, providerRpc, pluginProto } = providerGrpc();

type Call<Request> = grpcTypes.ServerUnaryCall<Request, unknown>;
type Callback<Response> = grpcTypes.sendUnaryData<Response>;

const configSecrets = settingNames.filter((name) => "secret" in settingSpecs[name]);

/**
 * The key a dynamic resource keeps its serialized provider under. A resource moved here from the dynamic route with
 * `aliases` arrives with it in its state: diff() reports its removal, and update() drops it (and adds the outputs
 * the plugin derives) without calling Atlas when nothing else changed.
 */
const dynamicProviderKey = "__provider";

function withoutDynamicProvider(values: PropertyValues): PropertyValues {
  const { [dynamicProviderKey]: _serialized, ...rest } = values;
  return rest;
}

/** Values of a protobuf Struct, without secret markers. */
function valuesOf(struct: structTypes.Struct | undefined): PropertyValues {
  return (plain(struct?.toJavaScript() ?? {}) as PropertyValues) ?? {};
}

function structOf(values: object): structTypes.Struct {
  return structProto.Struct.fromJavaScript(values as Record<string, structTypes.JavaScriptValue>);
}

/** An explicit provider's inputs, or the stack config of the default provider, as the settings resolver reads it. */
function configSource(values: PropertyValues): ConfigSource {
  const byKey = new Map(settingNames.map((name) => [pluginConfigKeys[name], values[name]]));
  return {
    get(key) {
      const value = byKey.get(key);
      // A default provider gets stack config as strings; an explicit one gets typed inputs (true, 30).
      return value === undefined || value === null ? undefined : String(value);
    },
  };
}

/** An error as the engine shows it: the message, and the stack trace only for a bug (see isBug). */
function grpcError(error: unknown): grpcTypes.ServiceError {
  const message =
    error instanceof Error ? (isBug(error) ? (error.stack ?? error.message) : error.message) : String(error);
  return Object.assign(new Error(message), {
    code: grpc.status.UNKNOWN,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

/** Runs one request and answers it: with the response, or with the error's message. */
function answer<Request, Response>(
  handler: (request: Request) => Promise<Response>,
): (call: Call<Request>, callback: Callback<Response>) => void {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(grpcError(error), null),
    );
  };
}

/** Calls about one resource; the URN it carries is the resource their warnings are about. */
interface ResourceRequest {
  getUrn(): string;
}

export class AtlasX509ProviderService {
  private context?: ProviderContext;
  /** The URN of the resource call in progress: the provider classes warn without knowing it (see diagnostics.ts). */
  private readonly callResource = new AsyncLocalStorage<string>();
  /** Which CustomerX509Config claims which project, in the one stack of an engine; each new engine starts afresh. */
  private claims = new ProjectClaims();
  private readonly providers = new Map<PluginResourceType, pulumi.dynamic.ResourceProvider>();
  /** Aborts the Atlas requests and retry waits of every call in progress or to come, for the current engine. */
  private cancellation = new Cancellation();

  /** `warn` replaces the engine's Log call (tests). */
  constructor(private readonly warn: EngineWarning = engineWarning) {}

  /**
   * A new engine announced itself (an attached plugin serves one after another): its stack's claims start afresh,
   * and so does cancellation, since every engine sends Cancel before it lets a plugin go.
   */
  private startEngineSession(): void {
    this.claims = new ProjectClaims();
    this.cancellation = new Cancellation();
  }

  /** The gRPC handlers; methods the service leaves out answer UNIMPLEMENTED, which the engine expects. */
  handlers(): Partial<providerRpcTypes.IResourceProviderServer> {
    return {
      getPluginInfo: answer(async () => new pluginProto.PluginInfo().setVersion(packageVersion())),
      getSchema: answer(async (request: providerTypes.GetSchemaRequest) => {
        if (request.getVersion() !== 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
        return new providerProto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(packageVersion())));
      }),
      checkConfig: answer((request: providerTypes.CheckRequest) => this.checkConfig(request)),
      diffConfig: answer((request: providerTypes.DiffRequest) => this.diffConfig(request)),
      configure: answer((request: providerTypes.ConfigureRequest) => this.configure(request)),
      check: this.aboutResource((request: providerTypes.CheckRequest) => this.check(request)),
      diff: this.aboutResource((request: providerTypes.DiffRequest) => this.diff(request)),
      create: this.aboutResource((request: providerTypes.CreateRequest) => this.create(request)),
      read: this.aboutResource((request: providerTypes.ReadRequest) => this.read(request)),
      update: this.aboutResource((request: providerTypes.UpdateRequest) => this.update(request)),
      delete: this.aboutResource((request: providerTypes.DeleteRequest) => this.delete(request)),
      cancel: answer(async () => {
        this.cancellation.cancel();
        return new emptyProto.Empty();
      }),
      ...engineLinkHandlers(() => this.startEngineSession()),
    } as Partial<providerRpcTypes.IResourceProviderServer>;
  }

  /** Validates the settings at preview, naming each bad one; marks the credentials secret in the provider's state. */
  private async checkConfig(request: providerTypes.CheckRequest): Promise<providerTypes.CheckResponse> {
    const news = valuesOf(request.getNews());
    const response = new providerProto.CheckResponse().setInputs(structOf(withSecrets(news, configSecrets)));
    // Settings computed by other resources are known only at update; Configure sees them then.
    if (hasUnknowns(news)) return response;
    const { problems } = resolveSettings(configSource(news), process.env, pluginConfigKeys);
    // The property is the provider's input (`requestTimeoutSeconds`): the engine prints its value beside it. A value
    // that holds a secret (a base URL with a password) is named in the reason instead, with no property to print.
    const settingOf = (key: string) => settingNames.find((name) => pluginConfigKeys[name] === key) ?? key;
    return response.setFailuresList(
      problems.map((p) =>
        p.valueHoldsSecret
          ? new providerProto.CheckFailure().setReason(`${settingOf(p.key)} ${p.reason}`)
          : new providerProto.CheckFailure().setProperty(settingOf(p.key)).setReason(p.reason),
      ),
    );
  }

  /**
   * A change of settings updates the provider in place: it never replaces the resources it manages (a new baseUrl
   * may be a proxy of the same Atlas, and replacing a CustomerX509Config would disable X.509 in its project). The
   * detailed diff names each changed setting, so `preview --diff` shows which (the engine masks secret values).
   */
  private async diffConfig(request: providerTypes.DiffRequest): Promise<providerTypes.DiffResponse> {
    const olds = valuesOf(request.getOlds());
    const news = valuesOf(request.getNews());
    const isSet = (values: PropertyValues, name: string) => values[name] !== undefined && values[name] !== null;
    const changed = settingNames.filter((name) => String(olds[name] ?? "") !== String(news[name] ?? ""));
    const response = new providerProto.DiffResponse()
      .setChanges(
        changed.length > 0
          ? providerProto.DiffResponse.DiffChanges.DIFF_SOME
          : providerProto.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setDiffsList(changed)
      .setHasdetaileddiff(true);
    const { Kind } = providerProto.PropertyDiff;
    for (const name of changed) {
      const kind = !isSet(olds, name) ? Kind.ADD : !isSet(news, name) ? Kind.DELETE : Kind.UPDATE;
      response.getDetaileddiffMap().set(name, new providerProto.PropertyDiff().setKind(kind).setInputdiff(true));
    }
    return response;
  }

  private async configure(request: providerTypes.ConfigureRequest): Promise<providerTypes.ConfigureResponse> {
    let values = valuesOf(request.getArgs());
    if (!request.hasArgs()) {
      // An older engine sends only `atlas-x509:config:<name>` variables.
      const variables = request.getVariablesMap();
      values = Object.fromEntries(settingNames.map((name) => [name, variables.get(`atlas-x509:config:${name}`)]));
    }
    this.context = new ProviderContext({
      config: configSource(values),
      configKeys: pluginConfigKeys,
      warn: (message) => this.warn(message, this.callResource.getStore()),
      signal: this.cancellation.signal,
    });
    this.providers.clear();
    // No secrets: the engine sends plain values and restores secrecy on what comes back (see values.ts).
    return new providerProto.ConfigureResponse()
      .setAcceptsecrets(false)
      .setAcceptresources(false)
      .setSupportspreview(false);
  }

  /** answer() for a call about one resource: what it warns is about that resource. */
  private aboutResource<Request extends ResourceRequest, Response>(handle: (request: Request) => Promise<Response>) {
    return answer((request: Request) => this.callResource.run(request.getUrn(), () => handle(request)));
  }

  private providerFor(token: string): { type: PluginResourceType; provider: pulumi.dynamic.ResourceProvider } {
    const type = resourceType(token);
    if (!this.context) throw new Error(`the ${type.token} provider was not configured`);
    let provider = this.providers.get(type);
    if (!provider) {
      provider = type.createProvider(this.context, this.claims);
      this.providers.set(type, provider);
    }
    return { type, provider };
  }

  private async check(request: providerTypes.CheckRequest): Promise<providerTypes.CheckResponse> {
    const { type, provider } = this.providerFor(request.getType() || typeFromUrn(request.getUrn()));
    const name = request.getName() || nameFromUrn(request.getUrn());
    const news = type.checkInputs(valuesOf(request.getNews()), name);
    const result = await provider.check!(valuesOf(request.getOlds()), news);
    return new providerProto.CheckResponse()
      .setInputs(structOf(result.inputs ?? {}))
      .setFailuresList(
        (result.failures ?? []).map((f) =>
          new providerProto.CheckFailure().setProperty(f.property).setReason(f.reason),
        ),
      );
  }

  private async diff(request: providerTypes.DiffRequest): Promise<providerTypes.DiffResponse> {
    const { type, provider } = this.providerFor(typeFromUrn(request.getUrn()));
    const olds = withoutDynamicProvider(valuesOf(request.getOlds()));
    const news = valuesOf(request.getNews());
    const result = (await provider.diff!(request.getId(), olds, news)) as ResourceDiff;
    const movedFromDynamic = dynamicProviderKey in valuesOf(request.getOlds());
    if (movedFromDynamic) Object.assign(result, { changes: true, diffs: [...result.diffs, dynamicProviderKey] });
    const { Kind } = providerProto.PropertyDiff;
    const inputs = new Set(Object.keys(type.properties).filter((k) => type.properties[k].input !== undefined));
    const response = new providerProto.DiffResponse()
      .setChanges(
        result.changes
          ? providerProto.DiffResponse.DiffChanges.DIFF_SOME
          : providerProto.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setReplacesList(result.replaces)
      .setDiffsList(result.diffs)
      .setDeletebeforereplace(result.deleteBeforeReplace)
      .setHasdetaileddiff(true);
    const detailed = response.getDetaileddiffMap();
    for (const key of result.diffs) {
      const replace = result.replaces.includes(key);
      const kind =
        key === dynamicProviderKey
          ? Kind.DELETE
          : olds[key] === undefined
            ? replace
              ? Kind.ADD_REPLACE
              : Kind.ADD
            : news[key] === undefined && inputs.has(key)
              ? replace
                ? Kind.DELETE_REPLACE
                : Kind.DELETE
              : replace
                ? Kind.UPDATE_REPLACE
                : Kind.UPDATE;
      detailed.set(key, new providerProto.PropertyDiff().setKind(kind).setInputdiff(inputs.has(key)));
    }
    return response;
  }

  private async create(request: providerTypes.CreateRequest): Promise<providerTypes.CreateResponse> {
    // A preview (see engine-link.ts): the inputs stand for the state, as the engine itself answers without Handshake.
    if (request.getPreview()) return new providerProto.CreateResponse().setProperties(request.getProperties());
    const { type, provider } = this.providerFor(typeFromUrn(request.getUrn()));
    const properties = valuesOf(request.getProperties());
    const { id, outs } = await withDeadline("create", request.getTimeout(), () => provider.create(properties));
    return new providerProto.CreateResponse().setId(id).setProperties(structOf(pluginOutputs(type, outs ?? {})));
  }

  /** Refresh, and `pulumi import` (no state, no inputs: the inputs come from what Atlas holds). */
  private async read(request: providerTypes.ReadRequest): Promise<providerTypes.ReadResponse> {
    const { type, provider } = this.providerFor(typeFromUrn(request.getUrn()));
    const state = valuesOf(request.getProperties());
    const result = await provider.read!(request.getId(), Object.keys(state).length > 0 ? state : undefined);
    const response = new providerProto.ReadResponse();
    // No id: the resource is gone, and the engine drops it from the state.
    if (!result.id || !result.props) return response;
    const inputs = valuesOf(request.getInputs());
    return response
      .setId(result.id)
      .setProperties(structOf(pluginOutputs(type, result.props)))
      .setInputs(structOf(Object.keys(inputs).length > 0 ? inputs : inputsFromOutputs(type, result.props)));
  }

  private async update(request: providerTypes.UpdateRequest): Promise<providerTypes.UpdateResponse> {
    if (request.getPreview()) return new providerProto.UpdateResponse().setProperties(request.getNews());
    const { type, provider } = this.providerFor(typeFromUrn(request.getUrn()));
    const olds = withoutDynamicProvider(valuesOf(request.getOlds()));
    const news = valuesOf(request.getNews());
    const onlyMovedFromDynamic = !(await provider.diff!(request.getId(), olds, news)).changes;
    const outs = onlyMovedFromDynamic
      ? olds
      : (await withDeadline("update", request.getTimeout(), () => provider.update!(request.getId(), olds, news))).outs;
    return new providerProto.UpdateResponse().setProperties(structOf(pluginOutputs(type, outs ?? {})));
  }

  private async delete(request: providerTypes.DeleteRequest): Promise<emptyTypes.Empty> {
    const { provider } = this.providerFor(typeFromUrn(request.getUrn()));
    const properties = valuesOf(request.getProperties());
    await withDeadline("delete", request.getTimeout(), () => provider.delete!(request.getId(), properties));
    return new emptyProto.Empty();
  }
}

/** The type token in a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
function typeFromUrn(urn: string): string {
  const qualifiedType = urn.split("::")[2] ?? "";
  return qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1);
}

/** Serves the plugin on a loopback port (0: a free one) and prints the port, which is how the engine finds it. */
export async function serve(requestedPort = 0): Promise<number> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  server.addService(
    providerRpc.ResourceProviderService,
    new AtlasX509ProviderService().handlers() as grpcTypes.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${requestedPort}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  process.stdout.write(`${port}\n`);
  return port;
}
