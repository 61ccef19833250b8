// A customer PKI: the project trusts user certificates issued by the CAs in corp-ca.pem. Users then log in
// as CUSTOMER X.509 users whose username is their certificate's subject DN (RFC 2253).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CustomerX509Config } from "pulumi-atlas-x509";

const config = new pulumi.Config();
const projectId = config.require("projectId");
// Relative to the project directory, where `pulumi up` runs.
const caBundlePath = path.resolve(config.get("caBundlePath") ?? "corp-ca.pem");

const pki = new CustomerX509Config("corp-pki", {
  projectId,
  cas: fs.readFileSync(caBundlePath, "utf8"),
  expiryWarningDays: 60,
});

export const trustedCas = pki.certificates.apply((certs) => certs.map((c) => `${c.subject} (until ${c.notAfter})`));
export const earliestNotAfter = pki.earliestNotAfter;
