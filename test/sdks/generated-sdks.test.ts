// The SDKs under sdk/ as the Go toolchain and Pulumi's generators see them: exactly what `npm run generate` writes
// (scripts/sdkgen, built from pkg/v3 at the CLI's version), and a Go SDK that builds and passes `go vet` against the
// Pulumi Go SDK of the CLI's release.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../scripts/lib/repo-root";
import { generate, SCHEMA_FILE, SDK_FOLDER } from "../../scripts/lib/sdk-generation";

jest.setTimeout(600_000);

/** The Pulumi Go SDK of the CLI's release (scripts/ensure-pulumi-cli builds the CLI v3.276.0). */
const PULUMI_GO_SDK = "github.com/pulumi/pulumi/sdk/v3@v3.276.0";

/** Every file under dir, by path relative to it, with its bytes. */
function treeOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = fs.readFileSync(full, "latin1");
  }
  return files;
}

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "generated-sdks-"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("sdk/ and schema.json", () => {
  it("are exactly what `npm run generate` writes: regenerating changes no byte and leaves no file behind", () => {
    const fresh = path.join(scratch, "generated");
    generate(fresh);
    expect(fs.readFileSync(path.join(fresh, SCHEMA_FILE), "utf8")).toBe(
      fs.readFileSync(path.join(repoRoot, SCHEMA_FILE), "utf8"),
    );
    const committed = treeOf(path.join(repoRoot, SDK_FOLDER));
    const regenerated = treeOf(path.join(fresh, SDK_FOLDER));
    expect(Object.keys(regenerated).sort()).toEqual(Object.keys(committed).sort());
    for (const [file, bytes] of Object.entries(regenerated))
      expect({ file, bytes }).toEqual({ file, bytes: committed[file] });
    expect(Object.keys(committed)).toEqual(expect.arrayContaining(["go/go.mod", "python/pyproject.toml"]));
  });
});

describe("the generated Go SDK", () => {
  it(`builds and passes go vet against ${PULUMI_GO_SDK}`, () => {
    const module = path.join(scratch, "go");
    fs.cpSync(path.join(repoRoot, SDK_FOLDER, "go"), module, { recursive: true });
    const go = (args: string[]) =>
      execFileSync("go", args, { cwd: module, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    go(["mod", "edit", `-require=${PULUMI_GO_SDK}`]);
    go(["mod", "tidy"]);
    go(["build", "./..."]);
    expect(go(["vet", "./..."])).toBe("");
    const required = go(["list", "-m", "-f", "{{.Version}}", "github.com/pulumi/pulumi/sdk/v3"]).trim();
    expect(required).toBe("v3.276.0");
  });
});
