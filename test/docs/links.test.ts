// Every relative link and #anchor in README.md, the policy files and docs/*.md resolves to a file or a heading.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");
const docs = readdirSync(path.join(root, "docs")).filter((name) => name.endsWith(".md"));
const pages = ["README.md", "CHANGELOG.md", "SECURITY.md", ...docs.map((name) => `docs/${name}`)];

/** The page without fenced code blocks, where `#` is a comment and `[x](y)` is code, not markdown. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text] of withoutCode(readFileSync(path.join(root, page), "utf8")).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const plain = text!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

/** Inline links and images whose target is on this repository: no scheme, not a bare e-mail. */
function relativeLinks(page: string): string[] {
  const text = withoutCode(readFileSync(path.join(root, page), "utf8"));
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

const links = pages.flatMap((page) => relativeLinks(page).map((target) => [page, target] as const));

describe("documentation links", () => {
  it("finds the pages and their links", () => {
    expect(docs).toEqual(expect.arrayContaining(["recipes.md", "architecture.md", "security.md", "testing.md"]));
    expect(links.length).toBeGreaterThan(30);
  });

  it.each(links)("%s → %s resolves", (page, target) => {
    const [file, anchor] = target.split("#") as [string, string | undefined];
    const resolved = file === "" ? page : path.posix.join(path.posix.dirname(page), decodeURIComponent(file));
    expect(existsSync(path.join(root, resolved))).toBe(true);
    if (anchor !== undefined) expect([...anchors(resolved)]).toContain(anchor);
  });

  it("opens the README with a table of contents: install, quick start, options, routes, middleware, errors", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const contents = readme.slice(readme.indexOf("## Contents"), readme.indexOf("\n## ", readme.indexOf("## Contents") + 1));
    for (const anchor of [
      "#install",
      "#quick-start",
      "#options",
      "#the-routes",
      "#requirepitchlytoken",
      "#troubleshooting-by-error-code",
    ]) {
      expect(contents).toContain(`](${anchor})`);
    }
  });
});
