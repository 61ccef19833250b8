// examples/customer-pki on the provider plugin's resources. A stack that ran examples/customer-pki moves here
// without a write to Atlas: the alias carries the bundle's state over, and nothing disables X.509 on the way.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CustomerX509Config } from "pulumi-atlas-x509/plugin";

const config = new pulumi.Config();
const projectId = config.require("projectId");
const caBundlePath = path.resolve(config.get("caBundlePath") ?? "corp-ca.pem");

const pki = new CustomerX509Config(
  "corp-pki",
  { projectId, cas: fs.readFileSync(caBundlePath, "utf8"), expiryWarningDays: 60 },
  { aliases: [{ type: "pulumi-nodejs:dynamic/atlas:CustomerX509Config" }] },
);

export const trustedCas = pki.certificates.apply((certs) => certs.map((c) => `${c.subject} (until ${c.notAfter})`));
export const earliestNotAfter = pki.earliestNotAfter;
