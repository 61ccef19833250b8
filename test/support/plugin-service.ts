// The provider plugin's gRPC service called in-process as the engine calls it: protobuf requests in, protobuf
// answers out, through the same handlers the gRPC server registers.
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type { AtlasX509ProviderService } from "../../provider/plugin/server";
import { providerGrpc } from "../../provider/pulumi-grpc";

/** The Struct the engine's requests are made of, from the one loader the plugin uses. */
const { Struct } = providerGrpc().structProto;

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
