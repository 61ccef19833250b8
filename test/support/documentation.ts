// The user documentation as the tests read it: the README (the front page) and the pages under docs/ (the layout
// the Pulumi Registry reads). The code blocks they show a user are run or compiled by the tests, wherever they live.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../scripts/lib/repo-root";

/** A documentation file's text, by its path in the repository (`README.md`, `docs/offline-testing.md`). */
export function documentationPage(relativePath: string): string {
  return fs.readFileSync(path.join(repoRoot, relativePath), "utf8");
}

/** README.md first, then every page of docs/, by name. */
export function documentationPaths(): string[] {
  const pages = fs
    .readdirSync(path.join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...pages];
}

/** The fenced code blocks of one language (`ts`, `bash`) in a page, in order. */
export function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

/** The TypeScript samples of the whole documentation, each with the page it comes from. */
export function typeScriptSamples(): Array<{ page: string; code: string }> {
  return documentationPaths().flatMap((page) =>
    codeBlocks(documentationPage(page), "ts").map((code) => ({ page, code })),
  );
}
