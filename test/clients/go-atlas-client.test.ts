// MongoDB's own Go client for Atlas (go.mongodb.org/atlas v0.38.0 with github.com/mongodb-forks/digest v1.1.0, the
// client the Atlas CLI and Terraform's provider were built on) against the shipped emulator. test/clients/go is a
// Go test module; `go test -json` runs it with the emulator's printed NAME=value lines as its environment, and each
// Go test is a jest test here, by name, with its output when it fails.
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/index";
import { environmentLines } from "../../emulator/main";
import { declaredGoTests, runGoTests, type GoTestRun } from "../support/go-test";

const GO_MODULE = path.join(__dirname, "go");
const GO_TESTS = declaredGoTests(GO_MODULE);
// Compiling is most of it: about three minutes on a busy 2-core machine with an empty Go build cache, seconds with
// a warm one. The Go tests themselves take a few seconds.
const GO_RUN_TIMEOUT_MS = 420_000;

let emulator: Emulator;
let run: GoTestRun;

beforeAll(async () => {
  // As `atlas-x509-emulator --key-bits 2048 --key-pool 6 --project pki`: smaller keys, generated up front.
  emulator = await startEmulator({ keyBits: 2048, keyPool: 6, projects: [{ name: "pki" }] });
  run = await runGoTests(GO_MODULE, environmentOf(emulator), GO_RUN_TIMEOUT_MS);
}, GO_RUN_TIMEOUT_MS + 30_000);
afterAll(() => emulator?.close());

/** The lines the command prints, as a shell that sources them would see them. */
function environmentOf(running: Emulator): Record<string, string> {
  return Object.fromEntries(
    environmentLines(running).map((line) => {
      const [name, value] = line.split(/=(.*)/s) as [string, string];
      return [name, value.startsWith("'") ? value.slice(1, -1).replace(/'\\''/g, "'") : value];
    }),
  );
}

it("finds the Go tests in test/clients/go", () => {
  expect(GO_TESTS).toContain("TestCreateUserWithoutScopesSendsNullScopesAndSucceeds");
});

it.each(GO_TESTS)("%s passes", (name) => {
  const result = run.tests.get(name);
  if (result?.outcome !== "pass") {
    throw new Error(
      `${name}: ${result?.outcome ?? "did not finish"}\n${result?.output ?? ""}\n` +
        `go test exited ${run.exitCode}:\n${run.otherOutput}`,
    );
  }
});

it("runs no Go test but the declared ones, and go test exits 0", () => {
  expect([...run.tests.keys()].sort()).toEqual([...GO_TESTS].sort());
  expect(run.exitCode).toBe(0);
});

it("reached every route the client offers for X.509 users, over v1.0 with digest authentication", async () => {
  const requests = await emulator.control.requests();
  expect(new Set(requests.map((request) => request.api))).toEqual(new Set(["v1.0"]));
  // The digest transport asks for a challenge before each signed request.
  expect(requests.filter((request) => !request.authenticated && request.status === 401).length).toBeGreaterThan(0);
  expect(Object.keys(await emulator.control.counts()).sort()).toEqual([
    "DELETE /groups/{groupId}/databaseUsers/{databaseName}/{username}",
    "DELETE /groups/{groupId}/userSecurity/customerX509",
    "GET /groups/{groupId}/databaseUsers/{databaseName}/{username}",
    "GET /groups/{groupId}/databaseUsers/{username}/certs",
    "GET /groups/{groupId}/userSecurity",
    "PATCH /groups/{groupId}/databaseUsers/{databaseName}/{username}",
    "PATCH /groups/{groupId}/userSecurity",
    "POST /groups/{groupId}/databaseUsers",
    "POST /groups/{groupId}/databaseUsers/{username}/certs",
  ]);
});
