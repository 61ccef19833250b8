// Report: writes the measured section into BENCHMARKS.md.

import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../lib/engine";

const beginMarker = "<!-- bench:begin (written by npm run bench; edit outside the markers) -->";
const endMarker = "<!-- bench:end -->";

/** Writes the measured section between the markers, formatted the way `npm run lint` (Prettier) wants it. */
export async function writeBenchmarksMd(section: string): Promise<void> {
  const file = path.join(repoRoot, "BENCHMARKS.md");
  const current = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : `# Benchmarks\n\n## Measured\n\n${beginMarker}\n${endMarker}\n`;
  const start = current.indexOf(beginMarker);
  const end = current.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md lacks the markers ${beginMarker} ... ${endMarker}`);
  const next = `${current.slice(0, start + beginMarker.length)}\n\n${section}\n\n${current.slice(end)}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a devDependency, needed only here
  const prettier = require("prettier") as typeof import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(next, { ...options, parser: "markdown" }));
}
