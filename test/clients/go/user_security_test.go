package contract

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/atlas/mongodbatlas"
)

// selfManagedCA is a CA certificate of the user's own PKI, as SaveConfiguration uploads it.
func selfManagedCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "Go contract test CA", Organization: []string{"Corp"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(1, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// enableCustomerX509 uploads a CA to the pki project and disables it again when the test ends, so each test
// there starts without one.
func enableCustomerX509(t *testing.T, client *mongodbatlas.Client) string {
	t.Helper()
	cas := selfManagedCA(t)
	saved, resp, err := client.X509AuthDBUsers.SaveConfiguration(testContext(t), emulator.pkiProjectID, &mongodbatlas.CustomerX509{Cas: cas})
	if err != nil {
		t.Fatalf("SaveConfiguration: %v", err)
	}
	if resp.StatusCode != http.StatusAccepted || saved.Cas != cas {
		t.Fatalf("SaveConfiguration answered %d with cas %q", resp.StatusCode, saved.Cas)
	}
	t.Cleanup(func() {
		if _, err := client.X509AuthDBUsers.DisableCustomerX509(testContext(t), emulator.pkiProjectID); err != nil {
			t.Errorf("DisableCustomerX509: %v", err)
		}
	})
	return cas
}

func TestCustomerX509SaveGetDisable(t *testing.T) {
	client, sent := newClient(t)
	before, _, err := client.X509AuthDBUsers.GetCurrentX509Conf(testContext(t), emulator.pkiProjectID)
	if err != nil {
		t.Fatalf("GetCurrentX509Conf: %v", err)
	}
	if before.Cas != "" {
		t.Fatalf("a fresh project has cas %q", before.Cas)
	}

	cas := enableCustomerX509(t, client)
	if patch := sent.last(t, http.MethodPatch); patch.path != "/api/atlas/v1.0/groups/"+emulator.pkiProjectID+"/userSecurity" {
		t.Fatalf("PATCH %s", patch.path)
	}
	current, _, err := client.X509AuthDBUsers.GetCurrentX509Conf(testContext(t), emulator.pkiProjectID)
	if err != nil {
		t.Fatalf("GetCurrentX509Conf: %v", err)
	}
	if current.Cas != cas {
		t.Fatalf("cas read back %q, want the uploaded bundle byte for byte", current.Cas)
	}

	resp, err := client.X509AuthDBUsers.DisableCustomerX509(testContext(t), emulator.pkiProjectID)
	if err != nil {
		t.Fatalf("DisableCustomerX509: %v", err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("DisableCustomerX509 answered %d, want 202", resp.StatusCode)
	}
	after, _, err := client.X509AuthDBUsers.GetCurrentX509Conf(testContext(t), emulator.pkiProjectID)
	if err != nil {
		t.Fatalf("GetCurrentX509Conf: %v", err)
	}
	if after.Cas != "" {
		t.Fatalf("cas %q after DisableCustomerX509", after.Cas)
	}
}

// While the project trusts its own CA, Atlas issues no managed certificate; once disabled, it does again.
func TestNoManagedCertificateWhileCustomerX509IsEnabled(t *testing.T) {
	client, _ := newClient(t)
	username := uniqueName("go-advanced")
	createManagedUser(t, client, emulator.pkiProjectID, username)
	enableCustomerX509(t, client)

	_, _, err := client.X509AuthDBUsers.CreateUserCertificate(testContext(t), emulator.pkiProjectID, username, 3)
	requireAtlasError(t, err, http.StatusBadRequest, "CANNOT_GENERATE_CERT_IF_ADVANCED_X509")

	if _, err := client.X509AuthDBUsers.DisableCustomerX509(testContext(t), emulator.pkiProjectID); err != nil {
		t.Fatalf("DisableCustomerX509: %v", err)
	}
	if _, _, err := client.X509AuthDBUsers.CreateUserCertificate(testContext(t), emulator.pkiProjectID, username, 3); err != nil {
		t.Fatalf("CreateUserCertificate after DisableCustomerX509: %v", err)
	}
}
