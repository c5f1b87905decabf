// The layers of DESIGN.md, enforced: Pitchly-facing code and grant code know nothing of Express or sessions.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const src = path.join(__dirname, "../../src");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : [],
  );
}

const files = walk(src).map((file) => path.relative(src, file).split(path.sep).join("/"));

/** Every module a file imports or re-exports, resolved against src/ when relative. */
function importsOf(file: string): string[] {
  const source = readFileSync(path.join(src, file), "utf8");
  const specifiers = [...source.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
  return specifiers.map((s) => (s.startsWith(".") ? path.posix.normalize(path.posix.join(path.posix.dirname(file), s)) : s));
}

const inLayer = (layer: string) => files.filter((f) => f.startsWith(`${layer}/`));

describe("src layout", () => {
  it("keeps only the entry, the factory and the shared modules at the root", () => {
    expect(files.filter((f) => !f.includes("/")).sort()).toEqual(
      ["errors.ts", "express-augment.ts", "index.ts", "logger.ts", "pitchly-auth.ts"].sort(),
    );
  });

  it("has the layer folders", () => {
    for (const layer of ["options", "pitchly", "grant", "session", "http", "stores", "testing", "browser"]) {
      expect(inLayer(layer).length).toBeGreaterThan(0);
    }
  });

  it.each(files)("%s stays under 250 lines", (file) => {
    expect(readFileSync(path.join(src, file), "utf8").split("\n").length).toBeLessThanOrEqual(250);
  });
});

describe.each([
  ["pitchly", ["express", "express-session", "session", "http", "grant", "stores"]],
  ["grant", ["express", "express-session", "session", "http"]],
])("src/%s", (layer, forbidden) => {
  it.each(inLayer(layer))("%s imports none of the layers above it", (file) => {
    for (const target of importsOf(file)) {
      for (const name of forbidden) {
        const bad = target === name || target.startsWith(`${name}/`);
        if (bad) throw new Error(`${file} imports ${target} (src/${layer} may not import ${name})`);
      }
    }
  });
});

describe("leaves", () => {
  const outside = files.filter((f) => !f.startsWith("testing/") && !f.startsWith("browser/"));
  it.each(outside)("%s imports neither src/testing nor src/browser", (file) => {
    for (const target of importsOf(file)) {
      expect(target).not.toMatch(/^(testing|browser)(\/|$)/);
    }
  });
});
