// Program for the engine harness, run by the engine tests and the benchmark: one CustomerX509Config whose bundle
// comes from stack config.
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
const pki = new CustomerX509Config("corp-pki", {
  projectId: config.require("projectId"),
  cas: config.require("cas"),
  expiryWarningDays: config.getNumber("expiryWarningDays"),
});

export const subjects = pki.certificates.apply((certs) => certs.map((c) => c.subject));
export const earliestNotAfter = pki.earliestNotAfter;
