"""An Atlas-managed X.509 client certificate for one service, and what its MongoDB driver needs."""
import pulumi
import pulumi_atlas_x509 as atlas_x509

config = pulumi.Config()
project_id = config.require("projectId")
# An existing `$external` database user with x509Type MANAGED.
username = config.get("username") or "orders-api"
cluster_host = config.get("clusterHost") or "cluster0.example.mongodb.net"

certificate = atlas_x509.ManagedX509Certificate(
    username,
    project_id=project_id,
    username=username,
    months_until_expiration=3,
    # From 14 days before expiry on, `pulumi preview` shows a replace and `pulumi up` rotates.
    renew_before_days=14,
)

pulumi.export("serialNumber", certificate.serial_number)
pulumi.export("notAfter", certificate.not_after)
pulumi.export("certificatePem", certificate.certificate_pem)
# The driver's tlsCertificateKeyFile: the certificate, then its key. Secret, as private_key_pem is.
pulumi.export(
    "certificateKeyPem",
    pulumi.Output.secret(pulumi.Output.concat(certificate.certificate_pem, certificate.private_key_pem)),
)
pulumi.export(
    "connectionString",
    f"mongodb+srv://{cluster_host}/?authSource=%24external&authMechanism=MONGODB-X509",
)
