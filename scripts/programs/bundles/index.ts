// Program for the engine harness (scripts/lib/engine.ts), run by the engine tests: one CustomerX509Config per
// entry of the `bundles` config ([{ name, projectId }]), all with the bundle of the `cas` config.
import * as pulumi from "@pulumi/pulumi";
import { CustomerX509Config } from "pulumi-atlas-x509";

const config = new pulumi.Config();
const bundles = config.requireObject<Array<{ name: string; projectId: string }>>("bundles");

const configs = bundles.map(
  ({ name, projectId }) => new CustomerX509Config(name, { projectId, cas: config.require("cas") }),
);

export const projectIds = configs.map((c) => c.projectId);
