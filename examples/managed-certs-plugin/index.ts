// examples/managed-certs on the provider plugin's resources: the same certificates, a state without
// `__provider`, and a stack that ran examples/managed-certs moves here without issuing anything (see docs/import-and-migration.md).
import * as pulumi from "@pulumi/pulumi";
import { ManagedX509Certificate } from "pulumi-atlas-x509/plugin";

const config = new pulumi.Config();
const projectId = config.require("projectId");
const services = config.getObject<string[]>("services") ?? ["orders-api", "billing-worker"];
const clusterHost = config.get("clusterHost") ?? "cluster0.example.mongodb.net";

const certificates = services.map(
  (username) =>
    new ManagedX509Certificate(
      username,
      { projectId, username, monthsUntilExpiration: 3, renewBeforeDays: 14 },
      // The type these certificates had as dynamic resources: the engine carries their state over.
      { aliases: [{ type: "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate" }] },
    ),
);

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
