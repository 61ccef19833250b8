// The documentation's TypeScript samples (README.md and docs/): they compile under strict settings, and the README's
// usage sample runs as written through
// the real engine against the emulator. `npm run demo` runs as a user project in test/user-projects/demo.test.ts,
// and so do the examples.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { startEmulator, type Emulator } from "../../emulator";
import { EngineStack, repoRoot, emulatorConfig } from "../../scripts/lib/engine";
import { typeScriptSamples } from "../support/documentation";
import { bundleCertificates } from "../support/fixtures";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    keyBits: 2048,
    seedUsers: [
      { username: "orders-api", x509Type: "MANAGED" },
      { username: "billing-worker", x509Type: "MANAGED" },
      { username: "app-service", x509Type: "MANAGED" },
    ],
  });
});
afterAll(() => emulator.close());

describe("README and docs/", () => {
  const samples = typeScriptSamples().map((sample) => sample.code);
  const scratch = path.join(repoRoot, ".work", "readme");

  it("has TypeScript samples that compile under strict settings", () => {
    expect(samples.length).toBeGreaterThan(0);
    fs.mkdirSync(scratch, { recursive: true });
    const files = samples.map((sample, i) => {
      const file = path.join(scratch, `sample-${i}.ts`);
      fs.writeFileSync(file, sample);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2023,
      types: ["node"],
      skipLibCheck: true,
      paths: {
        "pulumi-atlas-x509": [path.join(repoRoot, "provider", "index.ts")],
        "pulumi-atlas-x509/plugin": [path.join(repoRoot, "provider", "plugin", "sdk.ts")],
      },
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });

  it("has a usage sample that runs as written", async () => {
    fs.mkdirSync(scratch, { recursive: true });
    const compiled = path.join(scratch, "usage.js");
    const { outputText } = ts.transpileModule(samples[0], {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, esModuleInterop: true },
    });
    fs.writeFileSync(compiled, outputText);
    const pkiProject = await emulator.control.createProject();
    const stack = EngineStack.create({
      program: "README.md",
      compiledProgram: compiled,
      projectName: "readme-usage",
      config: {
        projectId: { value: emulator.projectId },
        pkiProjectId: { value: pkiProject },
        ...emulatorConfig(emulator),
      },
    });
    try {
      // The sample reads its CA bundle from the project directory, as a user's program would.
      const bundle = fs.readFileSync(path.join(repoRoot, "examples", "customer-pki", "corp-ca.pem"), "utf8");
      fs.writeFileSync(path.join(stack.workDir, "corp-root-and-intermediate.pem"), bundle);
      const up = await stack.up();
      expect(up.error).toBeUndefined();
      expect(up.outputs?.appCertificateKeyPem.secret).toBe(true);
      expect(String(up.outputs?.appCertificateExpires.value)).toMatch(/^\d{4}-\d\d-\d\dT/);
      const caExpiries = bundleCertificates(bundle).map((ca) => ca.notAfter);
      expect(up.outputs?.trustedUntil.value).toBe([...caExpiries].sort()[0]);
      expect((await stack.destroy()).error).toBeUndefined();
    } finally {
      stack.dispose();
    }
  });
});
