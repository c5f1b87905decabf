// Reads a V8 .cpuprofile (from --cpu-prof) and ranks frames by self time and by inclusive time.
import { readFileSync } from "node:fs";

const shortUrl = (url) =>
  url.includes("/node_modules/")
    ? url.replace(/^.*\/node_modules\//, "")
    : url.replace(/^file:\/\/.*\/dist\//, "express-pitchly/dist/");

/** Self and inclusive milliseconds per frame (function + file + line), recursion counted once. */
export function analyse(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, { ...n, self: 0 }]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    if (node) node.self += (profile.timeDeltas[i] ?? 0) / 1000;
  }
  const parent = new Map();
  for (const n of byId.values()) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => {
    const f = n.callFrame;
    return `${f.functionName || "(anonymous)"} ${shortUrl(f.url) || "(native)"}:${f.lineNumber + 1}`;
  };
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (const n of byId.values()) {
    if (n.self === 0) continue;
    total += n.self;
    self.set(key(n), (self.get(key(n)) ?? 0) + n.self);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + n.self);
    }
  }
  const rank = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([frame, ms]) => ({ frame, ms, pct: (100 * ms) / total }));
  return { totalMs: total, self: rank(self), inclusive: rank(incl) };
}

export function printTop(title, rows, n = 15) {
  console.log(title);
  for (const r of rows.slice(0, n))
    console.log(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(6)} ms  ${r.frame}`);
}
