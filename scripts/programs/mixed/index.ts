// Program for the engine harness, run by the load tool and the engine tests: ManagedX509Certificates for the
// configured users in one project, and optionally a CustomerX509Config in another (Atlas refuses managed
// certificates where a customer CA is set).
import * as pulumi from "@pulumi/pulumi";
import type * as dynamicRoute from "pulumi-atlas-x509";

const config = new pulumi.Config();
// The route under test: the dynamic resources, or (config `route: plugin`) the provider plugin's. Only that route's
// module is loaded.
/* eslint-disable @typescript-eslint/no-require-imports */
const { CustomerX509Config, ManagedX509Certificate } = (
  config.get("route") === "plugin" ? require("pulumi-atlas-x509/plugin") : require("pulumi-atlas-x509")
) as typeof dynamicRoute;
/* eslint-enable @typescript-eslint/no-require-imports */
const projectId = config.get("projectId");
const usernames = config.getObject<string[]>("usernames") ?? [];
const perUser = config.getNumber("certificatesPerUser") ?? 1;

const certificates: InstanceType<typeof ManagedX509Certificate>[] = [];
for (const [u, username] of usernames.entries()) {
  for (let i = 0; i < perUser; i++) {
    certificates.push(
      new ManagedX509Certificate(`user${u}-cert${i}`, {
        projectId: projectId ?? "",
        username,
        monthsUntilExpiration: config.getNumber("monthsUntilExpiration") ?? 3,
        renewBeforeDays: config.getNumber("renewBeforeDays"),
      }),
    );
  }
}

const customerProjectId = config.get("customerProjectId");
const pki = customerProjectId
  ? new CustomerX509Config("corp-pki", {
      projectId: customerProjectId,
      cas: config.require("cas"),
      expiryWarningDays: config.getNumber("expiryWarningDays"),
    })
  : undefined;

export const serialNumbers = certificates.map((c) => c.serialNumber);
/** Secret: every issued private key, so tests can search logs and state for them. */
export const privateKeyPems = pulumi.secret(certificates.map((c) => c.privateKeyPem));
export const caSubjects = pki?.certificates.apply((certs) => certs.map((c) => c.subject));
