/** @type {import("jest").Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // Engine tests start the real Pulumi CLI; they share one machine's two cores.
  maxWorkers: 2,
  testTimeout: 60_000,
  globalSetup: "<rootDir>/test/support/global-setup.js",
  globalTeardown: "<rootDir>/test/support/global-teardown.js",
  setupFilesAfterEnv: ["<rootDir>/test/support/jest-setup.ts", "<rootDir>/test/support/no-sockets.ts"],
};
