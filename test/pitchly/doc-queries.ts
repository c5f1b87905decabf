// Finds every GraphQL query in README.md, docs/*.md and demo-app/, each with the Pitchly generation it is meant for.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type QueryGeneration = "v2" | "platform";

export interface FoundQuery {
  /** file:line, for the failure message. */
  where: string;
  query: string;
  generations: QueryGeneration[];
}

const root = path.join(__dirname, "../..");
/**
 * The marker convention: `<!-- pitchly-queries: v2 | platform | both -->` on the line before a Markdown code
 * block, or `// pitchly-queries: …` in a source file (applies to the literals below it). A literal on a line
 * keyed `v2:` or `platform:` belongs to that generation.
 */
const MARKER = /pitchly-queries:\s*(v2|platform|both)\b/;

/** The marker comment just above a fence; prettier keeps a blank line between an HTML comment and the fence. */
function markerAbove(lines: readonly string[], fence: number): string | undefined {
  let i = fence - 1;
  while (i >= 0 && lines[i]!.trim() === "") i--;
  return MARKER.exec(lines[i] ?? "")?.[1];
}
const LITERAL = /"((?:[^"\\]|\\.)*)"|`([^`$]*)`/g;
const GRAPHQL_START = /^\s*(query|mutation|subscription)\b/;

function generationsOf(marker: string | undefined): QueryGeneration[] {
  if (marker === "both") return ["v2", "platform"];
  return marker === "v2" || marker === "platform" ? [marker] : [];
}

function literalsIn(line: string): string[] {
  return [...line.matchAll(LITERAL)]
    .map((m) => (m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!))
    .filter((text) => GRAPHQL_START.test(text));
}

function fromMarkdown(file: string): FoundQuery[] {
  const lines = readFileSync(path.join(root, file), "utf8").split("\n");
  const found: FoundQuery[] = [];
  let block: { lang: string; start: number; marker: string | undefined; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const fence = /^```(\w*)/.exec(line);
    if (fence && !block) {
      block = { lang: fence[1] ?? "", start: i + 1, marker: markerAbove(lines, i), body: [] };
      return;
    }
    if (fence && block) {
      const where = `${file}:${block.start}`;
      const generations = generationsOf(block.marker);
      if (block.lang === "graphql") found.push({ where, query: block.body.join("\n"), generations });
      // A query split over lines inside a call is joined first: literals never span lines in our docs.
      else
        for (const [n, text] of block.body.entries())
          for (const query of literalsIn(text)) found.push({ where: `${file}:${block.start + n + 1}`, query, generations });
      block = undefined;
      return;
    }
    block?.body.push(line);
  });
  return found;
}

function fromSource(file: string): FoundQuery[] {
  let marker: string | undefined;
  return readFileSync(path.join(root, file), "utf8")
    .split("\n")
    .flatMap((line, i) => {
      marker = MARKER.exec(line)?.[1] ?? marker;
      const keyed = /^\s*(v2|platform)\s*:/.exec(line)?.[1];
      return literalsIn(line).map((query) => ({ where: `${file}:${i + 1}`, query, generations: generationsOf(keyed ?? marker) }));
    });
}

function walk(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return walk(rel);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [rel] : [];
  });
}

export function findDocQueries(): FoundQuery[] {
  const markdown = [
    "README.md",
    ...readdirSync(path.join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  return [...markdown.flatMap(fromMarkdown), ...walk("demo-app").flatMap(fromSource)];
}
