// The browser entry stays a dependency-free leaf: only relative ESM imports of its own files, no Node.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = path.join(__dirname, "../../src/browser");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("src/browser", () => {
  it("has files to check", () => {
    expect(files).toEqual(expect.arrayContaining(["index.ts", "implicit.ts", "pkce.ts", "graphql.ts"]));
  });

  it.each(files)("%s imports only sibling files, with the .js extension ESM needs", (file) => {
    const source = readFileSync(path.join(dir, file), "utf8");
    const specifiers = [...source.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g)].map(
      (m) => m[1] ?? m[2],
    );
    for (const specifier of specifiers) {
      expect(specifier).toMatch(/^\.\/[a-z0-9-]+\.js$/);
      expect(files).toContain(String(specifier).replace(/^\.\//, "").replace(/\.js$/, ".ts"));
    }
    expect(source).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b|\bnode:/);
  });

  it.each(files)("%s is kebab-case, opens with a purpose comment and stays small", (file) => {
    const source = readFileSync(path.join(dir, file), "utf8");
    expect(file).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
    expect(source).toMatch(/^\/\/ \S/);
    expect(source.split("\n").length).toBeLessThan(150);
  });
});
