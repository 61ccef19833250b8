// Program for the engine harness (scripts/lib/engine.ts), run by the engine tests: one CustomerX509Config per
// entry of the `bundles` config ([{ name, projectId }]), all with the bundle of the `cas` config; on either route.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamicRoute from "pulumi-atlas-x509";

const config = new pulumi.Config();
// The route under test: the dynamic resources, or (config `route: plugin`) the provider plugin's. Only that route's
// module is loaded.
/* eslint-disable @typescript-eslint/no-require-imports */
const { CustomerX509Config } = (
  config.get("route") === "plugin" ? require("pulumi-atlas-x509/plugin") : require("pulumi-atlas-x509")
) as typeof dynamicRoute;
/* eslint-enable @typescript-eslint/no-require-imports */
const bundles = config.requireObject<Array<{ name: string; projectId: string }>>("bundles");

const configs = bundles.map(
  ({ name, projectId }) => new CustomerX509Config(name, { projectId, cas: config.require("cas") }),
);

export const projectIds = configs.map((c) => c.projectId);
