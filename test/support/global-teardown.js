// Runs once after all test files: fails the run when a process it started still runs (a pulumi CLI, a language
// host, a provider plugin, an emulator: anything working in, or naming, the run's temporary folder that
// global-setup.js made), ends those processes, and removes the folder.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

// A CLI ends its plugins as it exits, and a plugin whose engine was killed exits within a minute: give those that
// are on their way out a moment, then anything left is a leak.
const EXIT_GRACE_MS = 15_000;

module.exports = async function globalTeardown() {
  const suiteTmp = process.env.ATLAS_X509_SUITE_TMPDIR;
  if (!suiteTmp) return;
  const root = path.resolve(__dirname, "..", "..");
  const { processesUnder, waitUntilGone, killAll } = require(path.join(root, "dist", "scripts", "lib", "processes.js"));
  const left = await waitUntilGone(() => processesUnder(suiteTmp), EXIT_GRACE_MS);
  killAll(left);
  fs.rmSync(suiteTmp, { recursive: true, force: true });
  if (left.length > 0) {
    const listed = left.map((p) => `  ${p.pid} ${p.command} (in ${p.cwd})`).join("\n");
    throw new Error(`${left.length} process(es) started by the tests outlived them (now killed):\n${listed}`);
  }
};
