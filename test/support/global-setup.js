// Runs once before all test files: shows which Node runs the tests, puts the Pulumi CLI on PATH (found by
// scripts/lib/pulumi-cli.ts; scripts/ensure-pulumi-cli builds it from Go modules on the first run), packs this
// package once with `npm pack` for the user-project tests, which install it from that tarball as users install it
// from the registry, and builds the provider plugin's release archives once (scripts/lib/release.ts: kept from an
// earlier run when their inputs are unchanged), the linux-amd64 one for `pulumi plugin install` and the linux-arm64
// one to run under qemu; and gives the run a temporary folder of its own (TMPDIR), which global-teardown.js checks
// for processes left behind.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, "..", "..");
  // `npm test` built dist/ first (pretest): the tools' compiled helpers are there.
  const { findPulumiCli } = require(path.join(root, "dist", "scripts", "lib", "pulumi-cli.js"));
  const { packThisPackage } = require(path.join(root, "dist", "scripts", "lib", "user-project.js"));
  const { buildReleaseArchive } = require(path.join(root, "dist", "scripts", "lib", "release.js"));
  // The Go and Python language hosts too, for those examples (`npm test`'s pretest asked for the same).
  const { binDir, version: pulumiVersion } = findPulumiCli({ onPath: true, languageHosts: ["go", "python"] });
  // The tarball holds what `npm publish` would ship.
  process.env.PULUMI_ATLAS_X509_TARBALL = packThisPackage(path.join(root, ".work", "pack"));
  const archive = await buildReleaseArchive();
  process.env.PULUMI_ATLAS_X509_RELEASE_ARCHIVE = archive.path;
  // And the linux-arm64 one, which release-arm64.test.ts runs under qemu.
  const arm64 = await buildReleaseArchive({ platform: "linux-arm64" });
  process.env.PULUMI_ATLAS_X509_RELEASE_ARCHIVE_ARM64 = arm64.path;
  // Installs of earlier runs hold earlier tarballs: start afresh (the first project of this run installs).
  fs.rmSync(path.join(root, ".work", "user-project-installs"), { recursive: true, force: true });
  // Every temporary folder of this run (projects, backends, workspaces) is made under it: test workers and the
  // processes they start inherit TMPDIR, and os.tmpdir() reads it.
  process.env.TMPDIR = process.env.ATLAS_X509_SUITE_TMPDIR = fs.mkdtempSync(
    path.join(os.tmpdir(), "atlas-x509-tests-"),
  );
  process.stdout.write(
    `\n[test environment] node ${process.version}, pulumi CLI ${pulumiVersion} (${binDir}), ` +
      `package ${path.basename(process.env.PULUMI_ATLAS_X509_TARBALL)}, ` +
      `plugins ${[archive, arm64].map((a) => `${a.fileName} (${a.reused ? "kept from an earlier build" : "built"})`).join(", ")}\n`,
  );
};
