// Atlas-managed X.509 client certificates for two services, with the Go SDK generated from the atlas-x509
// provider's schema.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"pulumi-atlas-x509/sdk/go/atlasx509"
)

// Each service is an existing `$external` database user with x509Type MANAGED.
var services = []string{"orders-api", "billing-worker"}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		projectID := config.Require(ctx, "projectId")
		clients := pulumi.Map{}
		for _, service := range services {
			certificate, err := atlasx509.NewManagedX509Certificate(ctx, service, &atlasx509.ManagedX509CertificateArgs{
				ProjectId:             pulumi.String(projectID),
				Username:              pulumi.String(service),
				MonthsUntilExpiration: pulumi.Int(3),
				// From 14 days before expiry on, `pulumi preview` shows a replace and `pulumi up` rotates.
				RenewBeforeDays: pulumi.Int(14),
			})
			if err != nil {
				return err
			}
			// What the service needs: the PEM for its driver's tlsCertificateKeyFile (secret, as privateKeyPem is).
			clients[service] = pulumi.Map{
				"certificateKeyPem": pulumi.Sprintf("%s%s", certificate.CertificatePem, certificate.PrivateKeyPem),
				"serialNumber":      certificate.SerialNumber,
				"notAfter":          certificate.NotAfter,
			}
		}
		ctx.Export("clients", clients)
		ctx.Export("connectionOptions", pulumi.String("authSource=$external&authMechanism=MONGODB-X509"))
		return nil
	})
}
