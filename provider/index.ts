// pulumi-atlas-x509: MongoDB Atlas X.509 authentication as Pulumi dynamic resources.
export {
  ManagedX509Certificate,
  type ManagedX509CertificateArgs,
  type ManagedX509CertificateOutputs,
} from "./resources/managedX509Certificate";
export {
  CustomerX509Config,
  type CustomerX509ConfigArgs,
  type CustomerX509ConfigOutputs,
  type CaCertificateSummary,
} from "./resources/customerX509Config";
