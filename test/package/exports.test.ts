// The published shape: exports map (types first, ./package.json), built files present, ESM consumers work.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pkg from "../../package.json";

const root = path.resolve(__dirname, "../..");

describe("package exports", () => {
  const entries = Object.entries(pkg.exports as Record<string, string | { types: string; default: string }>);

  it("exports ., ./testing, ./browser and ./package.json", () => {
    expect(entries.map(([key]) => key)).toEqual([".", "./testing", "./browser", "./package.json"]);
  });

  it.each(entries.filter(([, v]) => typeof v === "object"))("lists types first for %s and both files exist after the build", (_key, target) => {
    const conditions = Object.keys(target as object);
    expect(conditions[0]).toBe("types");
    for (const file of Object.values(target as object) as string[]) {
      expect(existsSync(path.join(root, file))).toBe(true);
    }
  });

  it("keeps optional drivers out of hard dependencies", () => {
    expect(Object.keys(pkg.dependencies)).not.toEqual(expect.arrayContaining(["better-sqlite3"]));
    expect(Object.keys(pkg.dependencies)).not.toContain("redis");
    expect(pkg.peerDependenciesMeta).toMatchObject({ "better-sqlite3": { optional: true }, redis: { optional: true } });
  });

  it("is importable from an ESM app (named exports of the CommonJS build)", () => {
    const out = execFileSync(process.execPath, [path.join(root, "test/fixtures/esm-consumer.mjs")], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      router: "function",
      middleware: "function",
      authError: 401,
      configError: "config_invalid",
      browser: "function",
    });
  });

  it("type-checks a strict TypeScript consumer against the built declarations (skipLibCheck off)", () => {
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const out = execFileSync(process.execPath, [tsc, "-p", path.join(root, "test/fixtures/types-consumer")], { cwd: root, encoding: "utf8" });
    expect(out).toBe("");
  });

  it("does not load a store driver unless its adapter is used", () => {
    const out = execFileSync(
      process.execPath,
      ["-e", "require('express-pitchly'); console.log(JSON.stringify(Object.keys(require.cache).filter(k => /better-sqlite3|node_modules[\\\\/]@?redis/.test(k)).length))"],
      { cwd: root, encoding: "utf8" },
    );
    expect(out.trim()).toBe("0");
  });
});
