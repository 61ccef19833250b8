// Package contract runs MongoDB's Go client for Atlas (go.mongodb.org/atlas, with its digest transport) against
// atlas-x509-emulator. The emulator's address, API key and projects come from the environment, under the names the
// emulator prints: test/clients/go-atlas-client.test.ts starts it and runs `go test -json` with them.
package contract

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"go.mongodb.org/atlas/mongodbatlas"
)

// The emulator this run talks to.
var emulator struct {
	baseURL, publicKey, privateKey string
	projectID                      string
	// A second project, for the self-managed CA tests: enabling customer X.509 there blocks managed certificates.
	pkiProjectID string
}

func TestMain(m *testing.M) {
	var missing []string
	read := func(name string) string {
		value := os.Getenv(name)
		if value == "" {
			missing = append(missing, name)
		}
		return value
	}
	emulator.baseURL = read("MONGODB_ATLAS_BASE_URL")
	emulator.publicKey = read("MONGODB_ATLAS_PUBLIC_API_KEY")
	emulator.privateKey = read("MONGODB_ATLAS_PRIVATE_API_KEY")
	emulator.projectID = read("ATLAS_PROJECT_ID")
	emulator.pkiProjectID = read("ATLAS_PROJECT_ID_PKI")
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "these tests run against atlas-x509-emulator (--project pki); set %s from the lines it prints\n",
			strings.Join(missing, ", "))
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// sentRequest is one authenticated request as it went on the wire.
type sentRequest struct {
	method, path string
	body         string
}

// wire sits under the digest transport and keeps the requests that carry credentials (the transport sends each
// request twice: first bare, for the challenge, then signed).
type wire struct {
	mu   sync.Mutex
	sent []sentRequest
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		var body []byte
		if req.Body != nil {
			var err error
			if body, err = io.ReadAll(req.Body); err != nil {
				return nil, err
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		w.mu.Lock()
		w.sent = append(w.sent, sentRequest{method: req.Method, path: req.URL.EscapedPath(), body: string(body)})
		w.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// last is the latest signed request, which the test names by method.
func (w *wire) last(t *testing.T, method string) sentRequest {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.sent) - 1; i >= 0; i-- {
		if w.sent[i].method == method {
			return w.sent[i]
		}
	}
	t.Fatalf("no signed %s request was sent", method)
	return sentRequest{}
}

// newClient is the client as its users build it: mongodbatlas.New over digest.NewTransport's client.
func newClient(t *testing.T) (*mongodbatlas.Client, *wire) {
	t.Helper()
	recorder := &wire{}
	httpClient, err := digest.NewTransportWithHTTPRoundTripper(emulator.publicKey, emulator.privateKey, recorder).Client()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mongodbatlas.New(httpClient, mongodbatlas.SetBaseURL(emulator.baseURL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	return client, recorder
}

// testContext ends a hung call instead of the whole run (go test's -timeout is the outer bound).
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// uniqueName keeps the users of one run apart, whatever order the tests run in.
func uniqueName(prefix string) string {
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(suffix)
}

var readAnyDatabase = []mongodbatlas.Role{{RoleName: "readAnyDatabase", DatabaseName: "admin"}}

// managedUser is the body of an Atlas-managed X.509 user, as a user of the client writes it.
func managedUser(projectID, username string) *mongodbatlas.DatabaseUser {
	return &mongodbatlas.DatabaseUser{
		Username:     username,
		DatabaseName: "$external",
		X509Type:     "MANAGED",
		GroupID:      projectID,
		Roles:        readAnyDatabase,
	}
}

func createManagedUser(t *testing.T, client *mongodbatlas.Client, projectID, username string) *mongodbatlas.DatabaseUser {
	t.Helper()
	user, _, err := client.DatabaseUsers.Create(testContext(t), projectID, managedUser(projectID, username))
	if err != nil {
		t.Fatalf("DatabaseUsers.Create %s: %v", username, err)
	}
	return user
}

// requireAtlasError checks that err is the client's typed Atlas error with this status and errorCode.
func requireAtlasError(t *testing.T, err error, status int, errorCode string) *mongodbatlas.ErrorResponse {
	t.Helper()
	var atlasErr *mongodbatlas.ErrorResponse
	if !errors.As(err, &atlasErr) {
		t.Fatalf("want a *mongodbatlas.ErrorResponse %d %s, got %T: %v", status, errorCode, err, err)
	}
	if atlasErr.Response.StatusCode != status || atlasErr.HTTPCode != status || atlasErr.ErrorCode != errorCode {
		t.Fatalf("want %d %s, got HTTP %d, error %d, errorCode %q (%s)",
			status, errorCode, atlasErr.Response.StatusCode, atlasErr.HTTPCode, atlasErr.ErrorCode, atlasErr.Detail)
	}
	return atlasErr
}
