// The provider plugin's gRPC service called in-process as the engine calls it: protobuf requests in, protobuf
// answers out, through the same handlers the gRPC server registers.
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type { AtlasX509ProviderService } from "../../provider/plugin/server";

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- the Struct the engine's requests are made of */
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [require.resolve("@pulumi/pulumi")] }),
) as typeof structTypes;

export const struct = (values: object) => Struct.fromJavaScript(values as Record<string, structTypes.JavaScriptValue>);

type Handlers = Record<
  string,
  (call: { request: unknown }, callback: (error: unknown, value: unknown) => void) => void
>;

/** One gRPC method of the service, as a promise. */
export function caller(service: AtlasX509ProviderService) {
  const handlers = service.handlers() as unknown as Handlers;
  return <Response>(method: string, request: unknown) =>
    new Promise<Response>((resolve, reject) =>
      handlers[method]!({ request }, (error, value) => (error ? reject(error) : resolve(value as Response))),
    );
}
