// The closing line of `.ci/run`: `N passed, N failed` from jest's JSON results (`jest --json --outputFile`). A test
// file that failed without a failing test (it did not load, threw outside any test, or failed in a hook after its
// tests passed) counts as one failure, and is named above the line: jest's own numFailedTests leaves it out.
//
// Usage: node dist/scripts/ci-summary.js <results.json>   (exit status 1 when anything failed)
import * as fs from "node:fs";
import * as path from "node:path";
import { stripVTControlCharacters } from "node:util";

/** The part of jest's aggregated JSON results this summary reads. */
export interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ status: string }>;
  }>;
}

export interface CiSummary {
  passed: number;
  failed: number;
  /** Test files that failed with no failing test, each with the first line of jest's message. */
  brokenFiles: string[];
  line: string;
}

export function summarize(results: JestResults, root = process.cwd()): CiSummary {
  const brokenFiles = results.testResults
    .filter((file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"))
    .map((file) => `${path.relative(root, file.name)}: ${firstLine(file.message)}`);
  const passed = results.numPassedTests;
  const failed = results.numFailedTests + brokenFiles.length;
  return { passed, failed, brokenFiles, line: `${passed} passed, ${failed} failed` };
}

function firstLine(message: string | undefined): string {
  // jest's message starts with the file's name and blank lines; the reason is the first line with words in it.
  const lines = (message ?? "")
    .split("\n")
    .map((line) => stripVTControlCharacters(line).trim())
    .filter((line) => line.length > 0 && !line.startsWith("●"));
  return lines[0] ?? "failed to run";
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node dist/scripts/ci-summary.js <jest results.json>");
    process.exit(2);
  }
  const summary = summarize(JSON.parse(fs.readFileSync(file, "utf8")) as JestResults);
  for (const broken of summary.brokenFiles) console.log(`failed to run: ${broken}`);
  console.log(summary.line);
  process.exit(summary.failed > 0 ? 1 : 0);
}
