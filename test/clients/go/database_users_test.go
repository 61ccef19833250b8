package contract

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"go.mongodb.org/atlas/mongodbatlas"
)

// The client declares DatabaseUser.Scopes without omitempty, so a user without scopes goes out as
// "scopes": null. The OpenAPI does not declare scopes nullable; the client's years as the Atlas CLI's and
// Terraform's client decide that Atlas takes null as "no scopes", and the emulator does too.
func TestCreateUserWithoutScopesSendsNullScopesAndSucceeds(t *testing.T) {
	client, sent := newClient(t)
	username := uniqueName("go-no-scopes")

	user, resp, err := client.DatabaseUsers.Create(testContext(t), emulator.projectID, managedUser(emulator.projectID, username))
	if err != nil {
		t.Fatalf("DatabaseUsers.Create: %v", err)
	}
	if body := sent.last(t, http.MethodPost).body; !strings.Contains(body, `"scopes":null`) {
		t.Fatalf(`the client was expected to send "scopes":null, it sent %s`, body)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, want 201", resp.StatusCode)
	}
	want := mongodbatlas.DatabaseUser{
		Username:     username,
		DatabaseName: "$external",
		X509Type:     "MANAGED",
		AWSIAMType:   "NONE",
		LDAPAuthType: "NONE",
		OIDCAuthType: "NONE",
		GroupID:      emulator.projectID,
		Roles:        readAnyDatabase,
		Scopes:       []mongodbatlas.Scope{},
		Labels:       []mongodbatlas.Label{},
	}
	if !reflect.DeepEqual(*user, want) {
		t.Fatalf("created user\n got %+v\nwant %+v", *user, want)
	}
}

func TestCreateUserWithScopesAndLabels(t *testing.T) {
	client, sent := newClient(t)
	username := uniqueName("go-scoped")
	request := managedUser(emulator.projectID, username)
	request.Scopes = []mongodbatlas.Scope{{Name: "Cluster0", Type: "CLUSTER"}}
	request.Labels = []mongodbatlas.Label{{Key: "team", Value: "payments"}}

	user, _, err := client.DatabaseUsers.Create(testContext(t), emulator.projectID, request)
	if err != nil {
		t.Fatalf("DatabaseUsers.Create: %v", err)
	}
	if body := sent.last(t, http.MethodPost).body; !strings.Contains(body, `"scopes":[{"name":"Cluster0","type":"CLUSTER"}]`) {
		t.Fatalf("sent %s", body)
	}
	if !reflect.DeepEqual(user.Scopes, request.Scopes) || !reflect.DeepEqual(user.Labels, request.Labels) {
		t.Fatalf("scopes %+v, labels %+v; want %+v, %+v", user.Scopes, user.Labels, request.Scopes, request.Labels)
	}
}

func TestGetUserReturnsWhatWasCreated(t *testing.T) {
	client, sent := newClient(t)
	username := uniqueName("go-get")
	created := createManagedUser(t, client, emulator.projectID, username)

	got, resp, err := client.DatabaseUsers.Get(testContext(t), "$external", emulator.projectID, username)
	if err != nil {
		t.Fatalf("DatabaseUsers.Get: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if want := "/api/atlas/v1.0/groups/" + emulator.projectID + "/databaseUsers/$external/" + username; sent.last(t, http.MethodGet).path != want {
		t.Fatalf("GET %s, want %s", sent.last(t, http.MethodGet).path, want)
	}
	if !reflect.DeepEqual(got, created) {
		t.Fatalf("got %+v\nwant %+v", got, created)
	}
}

// Update sends the whole struct, "scopes": null included, to the database its x509Type implies ($external).
// Whether Atlas reads a PATCH's null scopes as "keep" or "clear" is neither recorded nor in the OpenAPI; the
// emulator keeps them (null is absent, and PATCH changes only what it is given), which this test pins.
func TestUpdateUserChangesRolesAndKeepsScopes(t *testing.T) {
	client, sent := newClient(t)
	username := uniqueName("go-update")
	request := managedUser(emulator.projectID, username)
	request.Scopes = []mongodbatlas.Scope{{Name: "Cluster0", Type: "CLUSTER"}}
	if _, _, err := client.DatabaseUsers.Create(testContext(t), emulator.projectID, request); err != nil {
		t.Fatalf("DatabaseUsers.Create: %v", err)
	}

	update := managedUser(emulator.projectID, username)
	update.Roles = []mongodbatlas.Role{{RoleName: "readWrite", DatabaseName: "sales", CollectionName: "orders"}}
	updated, resp, err := client.DatabaseUsers.Update(testContext(t), emulator.projectID, username, update)
	if err != nil {
		t.Fatalf("DatabaseUsers.Update: %v", err)
	}
	patch := sent.last(t, http.MethodPatch)
	if !strings.HasSuffix(patch.path, "/databaseUsers/$external/"+username) || !strings.Contains(patch.body, `"scopes":null`) {
		t.Fatalf("PATCH %s %s", patch.path, patch.body)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if !reflect.DeepEqual(updated.Roles, update.Roles) || !reflect.DeepEqual(updated.Scopes, request.Scopes) {
		t.Fatalf("roles %+v, scopes %+v; want %+v, %+v", updated.Roles, updated.Scopes, update.Roles, request.Scopes)
	}

	got, _, err := client.DatabaseUsers.Get(testContext(t), "$external", emulator.projectID, username)
	if err != nil {
		t.Fatalf("DatabaseUsers.Get: %v", err)
	}
	if !reflect.DeepEqual(got, updated) {
		t.Fatalf("read back %+v\nwant %+v", got, updated)
	}
}

func TestDeleteUserThenItIsGone(t *testing.T) {
	client, _ := newClient(t)
	username := uniqueName("go-delete")
	createManagedUser(t, client, emulator.projectID, username)

	resp, err := client.DatabaseUsers.Delete(testContext(t), "$external", emulator.projectID, username)
	if err != nil {
		t.Fatalf("DatabaseUsers.Delete: %v", err)
	}
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d, want 204", resp.StatusCode)
	}
	_, _, err = client.DatabaseUsers.Get(testContext(t), "$external", emulator.projectID, username)
	requireAtlasError(t, err, http.StatusNotFound, "USERNAME_NOT_FOUND")
	_, err = client.DatabaseUsers.Delete(testContext(t), "$external", emulator.projectID, username)
	requireAtlasError(t, err, http.StatusNotFound, "USERNAME_NOT_FOUND")
}
