// Program for the engine harness, run by the engine tests and the benchmark: one CustomerX509Config whose bundle
// comes from stack config.
import * as pulumi from "@pulumi/pulumi";
import { CustomerX509Config } from "pulumi-atlas-x509";

const config = new pulumi.Config();
const pki = new CustomerX509Config("corp-pki", {
  projectId: config.require("projectId"),
  cas: config.require("cas"),
  expiryWarningDays: config.getNumber("expiryWarningDays"),
});

export const subjects = pki.certificates.apply((certs) => certs.map((c) => c.subject));
export const earliestNotAfter = pki.earliestNotAfter;
