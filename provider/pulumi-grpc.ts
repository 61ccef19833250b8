// The gRPC runtime and Pulumi's protocol stubs, loaded in one place. The stubs that @pulumi/pulumi ships are
// CommonJS bound to its own copies of @grpc/grpc-js and google-protobuf, which need not be hoisted beside this
// package: from the npm package, each module is loaded from @pulumi/pulumi's folder. No bundler can follow such a
// load, so each module also has a literal require, which is the one the single executable runs (bundle.ts) and
// the one its build bundles, resolved from @pulumi/pulumi's folder too (scripts/lib/release.ts).
import type * as grpcTypes from "@grpc/grpc-js";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as engineTypes from "@pulumi/pulumi/proto/engine_pb";
import type * as engineRpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as pluginTypes from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as providerRpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import { dirname } from "node:path";
import { bundledVersion } from "./bundle";

/* eslint-disable @typescript-eslint/no-require-imports -- loads a bundler must see as they are */
const literalRequires = {
  "@grpc/grpc-js": () => require("@grpc/grpc-js"),
  "google-protobuf/google/protobuf/empty_pb": () => require("google-protobuf/google/protobuf/empty_pb"),
  "google-protobuf/google/protobuf/struct_pb": () => require("google-protobuf/google/protobuf/struct_pb"),
  "@pulumi/pulumi/proto/engine_pb": () => require("@pulumi/pulumi/proto/engine_pb"),
  "@pulumi/pulumi/proto/engine_grpc_pb": () => require("@pulumi/pulumi/proto/engine_grpc_pb"),
  "@pulumi/pulumi/proto/plugin_pb": () => require("@pulumi/pulumi/proto/plugin_pb"),
  "@pulumi/pulumi/proto/provider_pb": () => require("@pulumi/pulumi/proto/provider_pb"),
  "@pulumi/pulumi/proto/provider_grpc_pb": () => require("@pulumi/pulumi/proto/provider_grpc_pb"),
} satisfies Record<string, () => unknown>;

function load<T>(id: keyof typeof literalRequires): T {
  if (bundledVersion !== undefined) return literalRequires[id]() as T;
  const pulumiDir = dirname(require.resolve("@pulumi/pulumi"));
  return require(require.resolve(id, { paths: [pulumiDir] })) as T;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** What the provider plugin's gRPC server is written on. */
export function providerGrpc() {
  return {
    grpc: load<typeof grpcTypes>("@grpc/grpc-js"),
    structProto: load<typeof structTypes>("google-protobuf/google/protobuf/struct_pb"),
    emptyProto: load<typeof emptyTypes>("google-protobuf/google/protobuf/empty_pb"),
    providerProto: load<typeof providerTypes>("@pulumi/pulumi/proto/provider_pb"),
    providerRpc: load<typeof providerRpcTypes>("@pulumi/pulumi/proto/provider_grpc_pb"),
    pluginProto: load<typeof pluginTypes>("@pulumi/pulumi/proto/plugin_pb"),
  };
}

/** What a plugin needs to send the engine a log record. */
export function engineGrpc() {
  return {
    grpc: load<typeof grpcTypes>("@grpc/grpc-js"),
    engineProto: load<typeof engineTypes>("@pulumi/pulumi/proto/engine_pb"),
    engineRpc: load<typeof engineRpcTypes>("@pulumi/pulumi/proto/engine_grpc_pb"),
  };
}
