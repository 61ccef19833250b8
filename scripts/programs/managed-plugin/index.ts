// Program for the benchmark: the `managed` program's certificates through the provider plugin instead of dynamic
// resources (one ManagedX509Certificate per configured user, `certificatesPerUser` each). The engine starts
// `pulumi-resource-atlas-x509`, configured by the stack's `atlas-x509:*` settings.
import * as pulumi from "@pulumi/pulumi";
import { ManagedX509Certificate } from "pulumi-atlas-x509/plugin";

const config = new pulumi.Config();
const projectId = config.require("projectId");
const usernames = config.requireObject<string[]>("usernames");
const perUser = config.getNumber("certificatesPerUser") ?? 1;
const renewBeforeDays = config.getNumber("renewBeforeDays");

const certificates: ManagedX509Certificate[] = [];
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
