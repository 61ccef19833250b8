// Program for the engine harness, run by the load tool and the engine tests: ManagedX509Certificates for the
// configured users in one project, and optionally a CustomerX509Config in another (Atlas refuses managed
// certificates where a customer CA is set).
import * as pulumi from "@pulumi/pulumi";
import { CustomerX509Config, ManagedX509Certificate } from "pulumi-atlas-x509";

const config = new pulumi.Config();
const projectId = config.get("projectId");
const usernames = config.getObject<string[]>("usernames") ?? [];
const perUser = config.getNumber("certificatesPerUser") ?? 1;

const certificates: ManagedX509Certificate[] = [];
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
