// Jest runs test code as CommonJS in a vm context and cannot import() an ESM-only package without
// --experimental-vm-modules. Tests therefore mock the client's one-line loader with the very same digest-fetch
// source, transpiled to CommonJS here (test/support/jest-setup.ts):
//
//   jest.mock("../../provider/atlas/digest-fetch-loader", () => jest.requireActual("./digest-fetch-cjs"));
//
// The compiled provider (tsc, module node16) keeps the real import(); test/unit/atlas-auth.test.ts checks that.
import { readFileSync } from "node:fs";
import ts from "typescript";

let loaded: Promise<Record<string, unknown>> | undefined;

/** Same signature as provider/atlas/digest-fetch-loader's. */
export function loadDigestFetch(): Promise<Record<string, unknown>> {
  loaded ??= Promise.resolve().then(transpileDigestFetch);
  return loaded;
}

function transpileDigestFetch(): Record<string, unknown> {
  const file = require.resolve("digest-fetch");
  const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: file,
  });
  const module = { exports: {} as Record<string, unknown> };
  new Function("require", "module", "exports", outputText)(require, module, module.exports);
  return module.exports;
}
