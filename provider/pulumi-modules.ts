// Modules of the copy of @pulumi/pulumi this package runs with: its gRPC library and its generated stubs of the
// engine's services. The stubs are CommonJS bound to the copies of @grpc/grpc-js and google-protobuf that
// @pulumi/pulumi depends on, which need not be hoisted beside this package.
import { dirname } from "node:path";

export function fromPulumi<T>(id: string): T {
  const pulumiDir = dirname(require.resolve("@pulumi/pulumi"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at run time, from @pulumi/pulumi
  return require(require.resolve(id, { paths: [pulumiDir] })) as T;
}
