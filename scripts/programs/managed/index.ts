// Program for the engine harness, run by the engine tests and the benchmark: one ManagedX509Certificate per
// configured user.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamicRoute from "pulumi-atlas-x509";

const config = new pulumi.Config();
// The route under test: the dynamic resources, or (config `route: plugin`) the provider plugin's. Only that route's
// module is loaded.
/* eslint-disable @typescript-eslint/no-require-imports */
const { ManagedX509Certificate } = (
  config.get("route") === "plugin" ? require("pulumi-atlas-x509/plugin") : require("pulumi-atlas-x509")
) as typeof dynamicRoute;
/* eslint-enable @typescript-eslint/no-require-imports */
const projectId = config.require("projectId");
const usernames = config.requireObject<string[]>("usernames");
const perUser = config.getNumber("certificatesPerUser") ?? 1;
const renewBeforeDays = config.getNumber("renewBeforeDays");

const certificates: InstanceType<typeof ManagedX509Certificate>[] = [];
for (const username of usernames) {
  for (let i = 0; i < perUser; i++) {
    certificates.push(
      new ManagedX509Certificate(perUser === 1 ? username : `${username}-${i}`, {
        projectId,
        username,
        monthsUntilExpiration: config.getNumber("monthsUntilExpiration") ?? 3,
        renewBeforeDays,
      }),
    );
  }
}

export const serialNumbers = certificates.map((c) => c.serialNumber);
export const notAfters = certificates.map((c) => c.notAfter);
export const firstCertificateKeyPem = certificates[0]?.certificateKeyPem;
export const firstPrivateKeyPem = certificates[0]?.privateKeyPem;
