// The README and the docs/ pages link to each other, to examples and to source files: every relative link must
// lead to a file (and a heading, when it names one) that exists, so moving a page cannot strand a reader.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../scripts/lib/repo-root";
import { documentationPage, documentationPaths } from "../support/documentation";

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function headingAnchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, "");
  return new Set([...withoutCode.matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchorOf(m[1]!)));
}

describe.each(documentationPaths())("%s", (page) => {
  const text = documentationPage(page).replace(/```[\s\S]*?```/g, "");
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));

  it("links only to files and headings that exist", () => {
    const broken = links.filter((target) => {
      const [file, anchor] = target.split("#");
      const resolved = file ? path.resolve(path.dirname(path.join(repoRoot, page)), file) : path.join(repoRoot, page);
      if (!fs.existsSync(resolved)) return true;
      if (!anchor || !resolved.endsWith(".md")) return false;
      return !headingAnchors(fs.readFileSync(resolved, "utf8")).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
