// How an engine introduces itself to the plugin. Handshake: newer engines call it first, with their address and
// what they support. Attach: an engine told by PULUMI_DEBUG_PROVIDERS=atlas-x509:<port> to use a plugin that is
// already running (started by hand, under a debugger) instead of starting one. Both tell the engine's address,
// which then receives the plugin's warnings (engine-address.ts).
import type * as grpcTypes from "@grpc/grpc-js";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as pluginTypes from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import { announceEngineAddress } from "../engine-address";
import { providerGrpc } from "../pulumi-grpc";

type Handler<Request, Response> = (
  call: grpcTypes.ServerUnaryCall<Request, Response>,
  callback: grpcTypes.sendUnaryData<Response>,
) => void;

export interface EngineLinkHandlers {
  handshake: Handler<providerTypes.ProviderHandshakeRequest, providerTypes.ProviderHandshakeResponse>;
  attach: Handler<pluginTypes.PluginAttach, emptyTypes.Empty>;
}

/**
 * The Handshake and Attach handlers. `onEngine` runs for each engine that announces itself (an attached plugin
 * serves one engine after another). A handshake makes the engine call Create and Update in previews too (it
 * assumes a plugin that handshakes supports them); the service answers those as the engine did before.
 */
export function engineLinkHandlers(onEngine: (address: string) => void): EngineLinkHandlers {
  const { providerProto, emptyProto } = providerGrpc();
  const announce = (address: string) => {
    announceEngineAddress(address);
    onEngine(address);
  };
  return {
    handshake: (call, callback) => {
      announce(call.request.getEngineAddress());
      // As Configure answers: plain values only (see values.ts), no resource references, outputs or byte strings.
      callback(
        null,
        new providerProto.ProviderHandshakeResponse()
          .setAcceptSecrets(false)
          .setAcceptResources(false)
          .setAcceptOutputs(false)
          .setAcceptsByteString(false),
      );
    },
    attach: (call, callback) => {
      const address = call.request.getAddress();
      announce(address);
      process.stderr.write(`pulumi-resource-atlas-x509: serving the engine at ${address}\n`);
      callback(null, new emptyProto.Empty());
    },
  };
}
