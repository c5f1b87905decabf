// npm run check:packaging: packs the built package once and runs publint --strict and arethetypeswrong on that tarball.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

if (!existsSync(path.join(root, "dist", "index.js"))) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), "pitchly-pack-"));
try {
  // --ignore-scripts: `prepare` would rebuild; CI has just built, and checking what is on disk is the point.
  const [{ filename, files }] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: root, encoding: "utf8" }),
  );
  const tarball = path.join(dir, filename);
  const unwanted = files.map((f) => f.path).filter((p) => p.endsWith(".map") || p.startsWith("src/") || p.startsWith("test/"));
  if (unwanted.length > 0) {
    console.error(`the tarball ships files it should not:\n  ${unwanted.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`${filename}: ${files.length} files`);
  run(bin("publint"), ["run", tarball, "--strict"]);
  run(bin("attw"), [tarball, "--exclude-entrypoints", "./browser"]);
  // The browser entry is ESM only by design (it runs in browsers through a bundler or <script type="module">);
  // a CommonJS require of it is expected to need import(), which is all this rule reports. Every other rule applies.
  run(bin("attw"), [tarball, "--entrypoints", "./browser", "--ignore-rules", "cjs-resolves-to-esm"]);
} catch (err) {
  process.exitCode = typeof err.status === "number" ? err.status : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
