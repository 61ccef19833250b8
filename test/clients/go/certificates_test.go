package contract

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/atlas/mongodbatlas"
)

// issuedCertificate is CreateUserCertificate's answer taken apart: Atlas answers the certificate's PEM followed by
// its PKCS#8 private key, and the client hands that text back as Certificate.
func issuedCertificate(t *testing.T, answer *mongodbatlas.UserCertificate) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	certBlock, rest := pem.Decode([]byte(answer.Certificate))
	if certBlock == nil || certBlock.Type != "CERTIFICATE" {
		t.Fatalf("the answer does not start with a PEM certificate: %.80q", answer.Certificate)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		t.Fatalf("x509.ParseCertificate: %v", err)
	}
	keyBlock, _ := pem.Decode(rest)
	if keyBlock == nil || keyBlock.Type != "PRIVATE KEY" {
		t.Fatalf("no PKCS#8 PRIVATE KEY block after the certificate")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	if err != nil {
		t.Fatalf("x509.ParsePKCS8PrivateKey: %v", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("the private key is a %T, want RSA", parsed)
	}
	return cert, key
}

func TestCreateUserCertificateAnswersACertificateAndItsKey(t *testing.T) {
	client, sent := newClient(t)
	username := uniqueName("go-cert")
	createManagedUser(t, client, emulator.projectID, username)

	answer, resp, err := client.X509AuthDBUsers.CreateUserCertificate(testContext(t), emulator.projectID, username, 6)
	if err != nil {
		t.Fatalf("CreateUserCertificate: %v", err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, want 201", resp.StatusCode)
	}
	if body := sent.last(t, http.MethodPost).body; body != "{\"monthsUntilExpiration\":6}\n" {
		t.Fatalf("sent %q", body)
	}
	if answer.Username != username || answer.MonthsUntilExpiration != 6 {
		t.Fatalf("answer %+v", answer)
	}
	cert, key := issuedCertificate(t, answer)
	if !key.PublicKey.Equal(cert.PublicKey) {
		t.Fatal("the private key does not match the certificate's public key")
	}
	if got := cert.Subject.String(); got != "CN="+username {
		t.Fatalf("subject %q, want CN=%s", got, username)
	}
	if cert.Issuer.CommonName != emulator.projectID || !reflect.DeepEqual(cert.Issuer.OrganizationalUnit, []string{"Atlas"}) ||
		!reflect.DeepEqual(cert.Issuer.Organization, []string{"MongoDB Inc"}) {
		t.Fatalf("issuer %s", cert.Issuer)
	}
	if !reflect.DeepEqual(cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
		t.Fatalf("extended key usage %v, want clientAuth only", cert.ExtKeyUsage)
	}
	// As recorded from Atlas: notBefore is the issue time less an hour, notAfter six calendar months after it.
	if issuedAt := cert.NotBefore.Add(time.Hour); !cert.NotAfter.Equal(addCalendarMonths(issuedAt, 6)) {
		t.Fatalf("notAfter %s, want six calendar months after %s", cert.NotAfter, issuedAt)
	}

	listed, _, err := client.X509AuthDBUsers.GetUserCertificates(testContext(t), emulator.projectID, username, nil)
	if err != nil {
		t.Fatalf("GetUserCertificates: %v", err)
	}
	if len(listed) != 1 {
		t.Fatalf("%d certificates listed, want 1", len(listed))
	}
	requireListedAs(t, listed[0], cert)
}

// addCalendarMonths adds months as Atlas does (Java's plusMonths): a day past the month's end becomes its last day,
// where Go's AddDate would roll over into the next month.
func addCalendarMonths(t time.Time, months int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	lastDay := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), lastDay)-1)
}

// requireListedAs checks a list item against the certificate it describes: `_id` is its serial, createdAt and
// notAfter its validity in RFC 3339, subject its subject DN, groupId the project (as recorded from Atlas).
func requireListedAs(t *testing.T, item mongodbatlas.UserCertificate, cert *x509.Certificate) {
	t.Helper()
	if item.ID == nil || !cert.SerialNumber.IsInt64() || *item.ID != cert.SerialNumber.Int64() {
		t.Fatalf("_id %v, want the serial %s", item.ID, cert.SerialNumber)
	}
	for name, pair := range map[string][2]interface{}{
		"createdAt": {item.CreatedAt, cert.NotBefore},
		"notAfter":  {item.NotAfter, cert.NotAfter},
	} {
		parsed, err := time.Parse(time.RFC3339, pair[0].(string))
		if err != nil || !parsed.Equal(pair[1].(time.Time)) {
			t.Fatalf("%s %q, want %s in RFC 3339 (%v)", name, pair[0], pair[1], err)
		}
	}
	if item.Subject != "CN="+cert.Subject.CommonName || item.GroupID != emulator.projectID {
		t.Fatalf("subject %q, groupId %q", item.Subject, item.GroupID)
	}
}

// Five certificates, read two a page with ListOptions, following the links the client reads (self for
// CurrentPage, next for IsLastPage): every certificate once, oldest first.
func TestListUserCertificatesPageByPage(t *testing.T) {
	client, _ := newClient(t)
	username := uniqueName("go-pages")
	createManagedUser(t, client, emulator.projectID, username)
	var issued []*x509.Certificate
	for months := 1; months <= 5; months++ {
		answer, _, err := client.X509AuthDBUsers.CreateUserCertificate(testContext(t), emulator.projectID, username, months)
		if err != nil {
			t.Fatalf("CreateUserCertificate %d: %v", months, err)
		}
		cert, _ := issuedCertificate(t, answer)
		issued = append(issued, cert)
	}

	var listed []mongodbatlas.UserCertificate
	var pageSizes []int
	for pageNum := 1; ; pageNum++ {
		options := &mongodbatlas.ListOptions{PageNum: pageNum, ItemsPerPage: 2, IncludeCount: true}
		page, resp, err := client.X509AuthDBUsers.GetUserCertificates(testContext(t), emulator.projectID, username, options)
		if err != nil {
			t.Fatalf("GetUserCertificates page %d: %v", pageNum, err)
		}
		if current, err := resp.CurrentPage(); err != nil || current != pageNum {
			t.Fatalf("CurrentPage %d (%v), want %d", current, err, pageNum)
		}
		listed = append(listed, page...)
		pageSizes = append(pageSizes, len(page))
		if resp.IsLastPage() {
			break
		}
		if pageNum == len(issued) {
			t.Fatalf("still a next page after %d pages", pageNum)
		}
	}
	if !reflect.DeepEqual(pageSizes, []int{2, 2, 1}) {
		t.Fatalf("page sizes %v, want [2 2 1]", pageSizes)
	}
	for i, cert := range issued {
		requireListedAs(t, listed[i], cert)
	}
}
