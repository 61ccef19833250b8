// Makes this checkout resolvable by its own package name (node_modules/pulumi-atlas-x509 -> ..), so that the
// examples and the serialized provider shim load it exactly as they would from a user's node_modules.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", require(path.join(root, "package.json")).name);
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync("..", link, "dir");
