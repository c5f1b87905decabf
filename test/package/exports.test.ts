// The published shape: exports map (types first, ./package.json), built files present, ESM consumers work.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

  it("resolves every entry's types under moduleResolution node10 too (typesVersions)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pitchly-node10-"));
    try {
      mkdirSync(path.join(dir, "node_modules"));
      symlinkSync(root, path.join(dir, "node_modules/express-pitchly"), "dir");
      symlinkSync(path.join(root, "node_modules/@types"), path.join(dir, "node_modules/@types"), "dir");
      writeFileSync(
        path.join(dir, "app.ts"),
        'import { pitchlyAuth } from "express-pitchly";\nimport { startMockPitchly } from "express-pitchly/testing";\nimport * as browser from "express-pitchly/browser";\nexport const all = [pitchlyAuth, startMockPitchly, browser];\n',
      );
      const options = { strict: true, esModuleInterop: true, module: "commonjs", moduleResolution: "node10", target: "ES2022", noEmit: true, skipLibCheck: false, types: ["node"], lib: ["ES2022", "DOM"] };
      writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["app.ts"] }));
      const tsc = path.join(root, "node_modules/typescript/bin/tsc");
      expect(execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" })).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
