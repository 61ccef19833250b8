// The two routes by which a program reaches this package's resources, as the engine harness and the tests see them:
// the dynamic resources (`pulumi-atlas-x509`), or the provider plugin's (`pulumi-atlas-x509/plugin`, served by
// `pulumi-resource-atlas-x509`, which the project's Pulumi.yaml names). The programs in scripts/programs/ choose
// their module by the stack config `route`, which EngineStack sets from the stack's route.
import { dynamicConfigKeys, pluginConfigKeys, settingNames, type ConfigKeys } from "../../provider/config";
import { packageName } from "../../provider/plugin/resource-types";

export interface Route {
  name: "dynamic" | "plugin";
  /** The stack config key of each provider setting, as a user of this route sets it. */
  settings: ConfigKeys;
  /**
   * The property a problem with a setting names at preview: the config key (the dynamic resources check their
   * settings themselves) or the provider's input (the engine checks the plugin's provider resource).
   */
  settingProperties: ConfigKeys;
  /** The type token of each resource in the state. */
  types: { ManagedX509Certificate: string; CustomerX509Config: string };
}

export const dynamicRoute: Route = {
  name: "dynamic",
  settings: dynamicConfigKeys,
  settingProperties: dynamicConfigKeys,
  types: {
    ManagedX509Certificate: "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate",
    CustomerX509Config: "pulumi-nodejs:dynamic/atlas:CustomerX509Config",
  },
};

export const pluginRoute: Route = {
  name: "plugin",
  settings: pluginConfigKeys,
  settingProperties: Object.fromEntries(settingNames.map((name) => [name, name])) as ConfigKeys,
  types: {
    ManagedX509Certificate: `${packageName}:index:ManagedX509Certificate`,
    CustomerX509Config: `${packageName}:index:CustomerX509Config`,
  },
};

/** Both routes, for `describe.each(routes)("on the $name route", (route) => ...)`. */
export const routes: readonly Route[] = [dynamicRoute, pluginRoute];
