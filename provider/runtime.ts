// Loaded at run time by the serialized provider shim (see shim.ts), inside the dynamic-provider plugin.
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "./config";
import { ProviderContext } from "./context";
import { isBug } from "./diagnostics";
import { CustomerX509ConfigProvider, ProjectClaims } from "./resources/customerX509Config";
import { ManagedX509CertificateProvider } from "./resources/managedX509Certificate";
import type { ProviderKind } from "./shim";

// A plugin process serves one stack, so every provider it configures sees the same stack configuration: both
// resource kinds share one context and so one Atlas client (one digest session, one service-account token).
let shared: { context: ProviderContext; configured: boolean } | undefined;
/** Which CustomerX509Config claims which project: one registry for the whole process, whatever the provider object. */
const customerClaims = new ProjectClaims();

export function createProvider(kind: ProviderKind, config: ConfigSource | undefined): pulumi.dynamic.ResourceProvider {
  if (!shared || (config !== undefined && !shared.configured)) {
    shared = { context: new ProviderContext({ config }), configured: config !== undefined };
  }
  const { context } = shared;
  switch (kind) {
    case "ManagedX509Certificate":
      return withPlainErrors(new ManagedX509CertificateProvider(context));
    case "CustomerX509Config":
      return withPlainErrors(new CustomerX509ConfigProvider(context, customerClaims));
  }
}

/**
 * The dynamic-provider plugin prints `${error}: ${error.stack}` for a failed check, diff, read or delete (not for
 * create and update), so a refresh that meets an Atlas error would show a stack trace. The errors this package
 * raises on purpose (Atlas errors with request, status, errorCode and hint; configuration problems) are complete
 * in their message: they reach the plugin as that message after the package name. Bugs keep their stack.
 */
export function withPlainErrors(provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
  const plain =
    <A extends unknown[], R>(method: ((...args: A) => Promise<R>) | undefined) =>
    async (...args: A): Promise<R> => {
      try {
        return await method!.apply(provider, args);
      } catch (error) {
        if (!(error instanceof Error) || isBug(error)) throw error;
        const reported = new Error(error.message, { cause: error });
        Object.defineProperties(reported, {
          stack: { value: error.message },
          toString: { value: () => "pulumi-atlas-x509" },
        });
        throw reported;
      }
    };
  return {
    check: plain(provider.check),
    diff: plain(provider.diff),
    create: (inputs) => provider.create(inputs),
    read: plain(provider.read),
    update: (id, olds, news) => provider.update!(id, olds, news),
    delete: plain(provider.delete),
  };
}
