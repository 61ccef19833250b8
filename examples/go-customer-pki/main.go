// A project's self-managed X.509 CA bundle, with the Go SDK generated from the atlas-x509 provider's schema.
package main

import (
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"pulumi-atlas-x509/sdk/go/atlasx509"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// The project trusts user certificates issued by the CAs in corp-ca.pem; users then log in as CUSTOMER
		// X.509 users named by their certificate's subject DN.
		cas, err := os.ReadFile("corp-ca.pem")
		if err != nil {
			return err
		}
		pki, err := atlasx509.NewCustomerX509Config(ctx, "corp-pki", &atlasx509.CustomerX509ConfigArgs{
			ProjectId: pulumi.String(config.Require(ctx, "projectId")),
			Cas:       pulumi.String(string(cas)),
		})
		if err != nil {
			return err
		}
		ctx.Export("trustedCas", pki.Certificates)
		ctx.Export("earliestNotAfter", pki.EarliestNotAfter)
		return nil
	})
}
