// The provider object Pulumi serializes into every resource's state (`__provider`). It captures only the
// resource kind: each call loads the compiled implementation of this package at run time, so the state stays
// small, holds no credentials and no code, and refresh/destroy always run the installed implementation.
//
// The wiring, from a program to Atlas:
//   resource class (resources/*.ts) passes shims/<kind>.ts, this module's providerShim(kind), to super(...)
//   -> Pulumi serializes it as `require("pulumi-atlas-x509/shims/<kind>")` into `__provider`
//   -> the dynamic-provider plugin (a separate Node.js process) loads it and calls configure(), then check/diff/...
//   -> require("pulumi-atlas-x509/runtime").createProvider(kind, config) (runtime.ts)
//   -> the resource's provider class (e.g. ManagedX509CertificateProvider), which calls Atlas through AtlasClient.
// The module paths `pulumi-atlas-x509/shims/*` and `pulumi-atlas-x509/runtime` are named by every existing state:
// they never move.
import type * as pulumi from "@pulumi/pulumi";

export type ProviderKind = "ManagedX509Certificate" | "CustomerX509Config";

interface ShimState {
  implementation?: pulumi.dynamic.ResourceProvider;
}

type Shim = pulumi.dynamic.ResourceProvider & ShimState;

export function providerShim(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  const shim: Shim = {
    // The plugin calls configure() once per distinct provider, before any other method, with the stack config.
    async configure(req) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved in the plugin process, at run time
      this.implementation = require("pulumi-atlas-x509/runtime").createProvider(kind, req.config);
    },
    async check(olds, news) {
      return implementationOf(this, kind).check!(olds, news);
    },
    async diff(id, olds, news) {
      return implementationOf(this, kind).diff!(id, olds, news);
    },
    async create(inputs) {
      return implementationOf(this, kind).create(inputs);
    },
    async read(id, props) {
      return implementationOf(this, kind).read!(id, props);
    },
    async update(id, olds, news) {
      return implementationOf(this, kind).update!(id, olds, news);
    },
    async delete(id, props) {
      return implementationOf(this, kind).delete!(id, props);
    },
  };
  return shim;
}

/**
 * The implementation configure() built; or, when configure() never came (a plugin of @pulumi/pulumi before 3.139,
 * which has no configure step), one that reads its settings from the environment only.
 */
function implementationOf(shim: ShimState, kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved in the plugin process, at run time
  shim.implementation ??= require("pulumi-atlas-x509/runtime").createProvider(kind, undefined);
  return shim.implementation!;
}
