// The provider's two warnings on the dynamic route: a CA bundle that expires within expiryWarningDays
// (expiring-ca.pem, written by the test), and the destroy of a certificate Atlas cannot revoke.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { CustomerX509Config, ManagedX509Certificate } from "pulumi-atlas-x509";

const config = new pulumi.Config();

new CustomerX509Config("expiring-pki", {
  projectId: config.require("pkiProjectId"),
  cas: fs.readFileSync("expiring-ca.pem", "utf8"),
  expiryWarningDays: 30,
});

new ManagedX509Certificate("app", { projectId: config.require("projectId"), username: "app-service" });
