// Atlas-managed X.509 certificates for a few services. Each service is a database user created with
// x509Type MANAGED in $external; Atlas issues its certificate and this stack keeps it fresh.
import * as pulumi from "@pulumi/pulumi";
import { ManagedX509Certificate } from "pulumi-atlas-x509";

const config = new pulumi.Config();
const projectId = config.require("projectId");
const services = config.getObject<string[]>("services") ?? ["orders-api", "billing-worker"];
const clusterHost = config.get("clusterHost") ?? "cluster0.example.mongodb.net";

const certificates = services.map(
  (username) =>
    new ManagedX509Certificate(username, {
      projectId,
      username,
      monthsUntilExpiration: 3,
      // From 14 days before expiry on, `pulumi preview` shows a replace and `pulumi up` rotates.
      renewBeforeDays: 14,
    }),
);

// What each application needs: the PEM for its driver's tlsCertificateKeyFile (secret) and a connection string.
export const clients = Object.fromEntries(
  certificates.map((cert, i) => [
    services[i],
    {
      certificateKeyPem: cert.certificateKeyPem,
      notAfter: cert.notAfter,
      serialNumber: cert.serialNumber,
      connectionString: `mongodb+srv://${clusterHost}/?authSource=%24external&authMechanism=MONGODB-X509`,
    },
  ]),
);
export const earliestExpiry = pulumi.all(certificates.map((c) => c.notAfter)).apply((dates) => [...dates].sort()[0]);
