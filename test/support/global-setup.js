// Runs once before all test files: shows which Node runs the tests, puts the Pulumi CLI on PATH
// (scripts/ensure-pulumi-cli builds it from Go modules on the first run), and packs this package once with
// `npm pack` for the user-project tests, which install it from that tarball as users install it from the registry.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, "..", "..");
  const binDir = execFileSync(path.join(root, "scripts", "ensure-pulumi-cli"), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  process.env.PULUMI_CLI_BIN_DIR = binDir;
  process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH}`;
  const pulumiVersion = execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  // `npm test` built dist/ first (pretest); the tarball holds what `npm publish` would ship.
  const { packThisPackage } = require(path.join(root, "dist", "scripts", "lib", "user-project.js"));
  process.env.PULUMI_ATLAS_X509_TARBALL = packThisPackage(path.join(root, ".work", "pack"));
  // Installs of earlier runs hold earlier tarballs: start afresh (the first project of this run installs).
  fs.rmSync(path.join(root, ".work", "user-project-installs"), { recursive: true, force: true });
  process.stdout.write(
    `\n[test environment] node ${process.version}, pulumi CLI ${pulumiVersion} (${binDir}), ` +
      `package ${path.basename(process.env.PULUMI_ATLAS_X509_TARBALL)}\n`,
  );
};
