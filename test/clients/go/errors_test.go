package contract

import (
	"net/http"
	"strings"
	"testing"
)

// A well-formed project id that no project has.
const unknownProjectID = "0123456789abcdef01234567"

// GROUP_NOT_FOUND as recorded from Atlas: 404, reason "Not Found", the detail naming the id.
func TestUnknownProjectIsA404GroupNotFound(t *testing.T) {
	client, _ := newClient(t)
	ctx := testContext(t)
	calls := map[string]func() error{
		"DatabaseUsers.Create": func() error {
			_, _, err := client.DatabaseUsers.Create(ctx, unknownProjectID, managedUser(unknownProjectID, "nobody"))
			return err
		},
		"GetUserCertificates": func() error {
			_, _, err := client.X509AuthDBUsers.GetUserCertificates(ctx, unknownProjectID, "nobody", nil)
			return err
		},
		"GetCurrentX509Conf": func() error {
			_, _, err := client.X509AuthDBUsers.GetCurrentX509Conf(ctx, unknownProjectID)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			atlasErr := requireAtlasError(t, call(), http.StatusNotFound, "GROUP_NOT_FOUND")
			if atlasErr.Reason != "Not Found" || !strings.Contains(atlasErr.Detail, unknownProjectID) {
				t.Fatalf("reason %q, detail %q", atlasErr.Reason, atlasErr.Detail)
			}
		})
	}
}

// No recording shows a missing user; Atlas's error-code page lists USERNAME_NOT_FOUND under 404 (the emulator's
// guess, see its README).
func TestUnknownUserIsA404(t *testing.T) {
	client, _ := newClient(t)
	ctx := testContext(t)
	username := uniqueName("go-never-created")
	calls := map[string]func() error{
		"DatabaseUsers.Get": func() error {
			_, _, err := client.DatabaseUsers.Get(ctx, "$external", emulator.projectID, username)
			return err
		},
		"DatabaseUsers.Update": func() error {
			_, _, err := client.DatabaseUsers.Update(ctx, emulator.projectID, username, managedUser(emulator.projectID, username))
			return err
		},
		"CreateUserCertificate": func() error {
			_, _, err := client.X509AuthDBUsers.CreateUserCertificate(ctx, emulator.projectID, username, 3)
			return err
		},
		"GetUserCertificates": func() error {
			_, _, err := client.X509AuthDBUsers.GetUserCertificates(ctx, emulator.projectID, username, nil)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			requireAtlasError(t, call(), http.StatusNotFound, "USERNAME_NOT_FOUND")
		})
	}
}

// CreateUserCertificate refuses a user that is not Atlas-managed X.509 (USER_NOT_MANAGED_X509, the emulator's
// guess of Atlas's error-code page).
func TestCertificateForACustomerUserIsRefused(t *testing.T) {
	client, _ := newClient(t)
	username := "CN=" + uniqueName("go-customer") + ",O=Corp"
	request := managedUser(emulator.projectID, username)
	request.X509Type = "CUSTOMER"
	if _, _, err := client.DatabaseUsers.Create(testContext(t), emulator.projectID, request); err != nil {
		t.Fatalf("DatabaseUsers.Create: %v", err)
	}
	_, _, err := client.X509AuthDBUsers.CreateUserCertificate(testContext(t), emulator.projectID, username, 3)
	requireAtlasError(t, err, http.StatusBadRequest, "USER_NOT_MANAGED_X509")
}
