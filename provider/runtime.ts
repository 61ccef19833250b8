// Loaded at run time by the serialized provider shim (see shim.ts), inside the dynamic-provider plugin.
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "./config";
import { ProviderContext } from "./context";
import { CustomerX509ConfigProvider } from "./resources/customerX509Config";
import { ManagedX509CertificateProvider } from "./resources/managedX509Certificate";
import type { ProviderKind } from "./shim";

// A plugin process serves one stack, so every provider it configures sees the same stack configuration: both
// resource kinds share one context and so one Atlas client (one digest session, one service-account token).
let shared: { context: ProviderContext; configured: boolean } | undefined;

export function createProvider(kind: ProviderKind, config: ConfigSource | undefined): pulumi.dynamic.ResourceProvider {
  if (!shared || (config !== undefined && !shared.configured)) {
    shared = { context: new ProviderContext({ config }), configured: config !== undefined };
  }
  const { context } = shared;
  switch (kind) {
    case "ManagedX509Certificate":
      return new ManagedX509CertificateProvider(context);
    case "CustomerX509Config":
      return new CustomerX509ConfigProvider(context);
  }
}
