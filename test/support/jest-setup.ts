// Jest runs test code as CommonJS in a vm context, where import() of the ESM-only digest-fetch fails. The
// client loads it through one module; in-process tests load the very same installed source through a
// CommonJS transpilation instead. Compiled code (the engine tests, the demo) uses the real import().
jest.mock("../../provider/atlas/digest-fetch-loader", () => jest.requireActual("./digest-fetch-cjs"));
