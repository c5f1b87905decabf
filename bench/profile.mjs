// node bench/profile.mjs [servers=limit,pitchly] [requests=30000] [path=/api/ping]: hot path under --cpu-prof, top frames, per-request diff.
// node bench/profile.mjs login-in-process [signIns=1000]: in-process sign-ins under --cpu-prof, express-pitchly, passport, bare; per-sign-in diffs.
import { readdirSync } from "node:fs";
import { startChild, PROFILE_DIR } from "./lib/procs.mjs";
import { Browser, closeBrowsers } from "./lib/browser.mjs";
import { cannon } from "./lib/load.mjs";
import { analyse, printTop } from "./lib/cpu-profile.mjs";

const [list = "limit,pitchly", requests = "30000", path = "/api/ping"] = process.argv.slice(2);
if (list === "login-in-process") {
  await profileSignIns(Number(process.argv[3] ?? 1000));
  process.exit(0);
}
const names = list.split(",");
const amount = Number(requests);
const mock = await startChild("mock");
const profiles = {};
try {
  for (const name of names) {
    const label = `profile-${name}`;
    const server = await startChild(name, { env: { BENCH_MOCK_URL: mock.url }, profile: true, label });
    try {
      const cookie = await new Browser(server.origin).login();
      const url = `${server.origin}${path}`;
      await cannon({ url, cookie, amount: Math.min(5000, amount), connections: 50 }); // warm-up, in the profile too
      const r = await cannon({ url, cookie, amount, connections: 50 });
      console.log(`${name} ${path}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, ${r.bad} failed`);
    } finally {
      await server.stop();
    }
    profiles[name] = newestProfile(label);
    const { file, totalMs, self, inclusive } = profiles[name];
    console.log(`\n== ${name}: ${file} (${Math.round(totalMs)} ms sampled)`);
    printTop("top self time:", self, 20);
    printTop(
      "express-pitchly frames, self time:",
      self.filter((r) => r.frame.includes("express-pitchly/")),
      12,
    );
    printTop(
      "express-pitchly frames, inclusive:",
      inclusive.filter((r) => r.frame.includes("express-pitchly/")),
      8,
    );
  }
} finally {
  await mock.stop();
  await closeBrowsers();
}

/** The newest profile a child labelled `label` wrote, analysed. */
function newestProfile(label) {
  const file = `${PROFILE_DIR}${readdirSync(PROFILE_DIR)
    .filter((f) => f.startsWith(label))
    .sort()
    .pop()}`;
  return { file, ...analyse(file) };
}

/** Self time per frame of `b` minus `a` (idle left out), scaled by `per`, largest increase first. */
function selfDiff(b, a, per) {
  const [mb, ma] = [b, a].map((p) => new Map(p.self.map((r) => [r.frame, r.ms])));
  return [...new Set([...ma.keys(), ...mb.keys()])]
    .map((frame) => ({ frame, us: per((mb.get(frame) ?? 0) - (ma.get(frame) ?? 0)) }))
    .filter((d) => !d.frame.startsWith("(idle)"))
    .sort((x, y) => y.us - x.us);
}

if (names.length === 2) {
  // Both servers served the same number of requests, so self-time differences are per-request costs.
  const perReq = (ms) => (ms * 1000) / (amount + Math.min(5000, amount));
  const diff = selfDiff(profiles[names[1]], profiles[names[0]], perReq);
  const total = perReq(profiles[names[1]].totalMs - profiles[names[0]].totalMs);
  console.log(`\n== ${names[1]} − ${names[0]}: ${total.toFixed(1)} µs/request sampled (idle included); largest increases:`);
  for (const d of diff.slice(0, 25)) console.log(`  ${d.us.toFixed(2).padStart(7)} µs  ${d.frame}`);
}

/** Sign-ins of one app per profiled child (same count each), so self-time differences are per-sign-in costs. */
async function profileSignIns(signIns) {
  const mock = await startChild("mock");
  const profiled = {};
  try {
    for (const app of ["pitchly", "passport", "bare"]) {
      const label = `profile-login-${app}`;
      const child = await startChild("in-process-login", { env: { BENCH_MOCK_URL: mock.url }, profile: true, label });
      try {
        await child.rpc("run", { rounds: 1, signIns, warmup: 200, only: [app], stepPass: false });
      } finally {
        await child.stop();
      }
      profiled[app] = newestProfile(label);
      const { file, totalMs, self, inclusive } = profiled[app];
      console.log(`\n== ${app}: ${file} (${Math.round(totalMs)} ms sampled)`);
      printTop("top self time:", self, 25);
      if (app === "pitchly")
        printTop(
          "express-pitchly frames, inclusive:",
          inclusive.filter((r) => r.frame.includes("express-pitchly/")),
          30,
        );
    }
  } finally {
    await mock.stop();
  }
  for (const other of ["passport", "bare"]) {
    const diff = selfDiff(profiled.pitchly, profiled[other], (ms) => (ms * 1000) / (signIns + 200));
    console.log(`\n== pitchly − ${other}, µs per sign-in (idle excluded); largest increases, then largest decreases:`);
    for (const d of diff.slice(0, 30)) console.log(`  ${d.us.toFixed(2).padStart(7)} µs  ${d.frame}`);
    for (const d of diff.slice(-12)) console.log(`  ${d.us.toFixed(2).padStart(7)} µs  ${d.frame}`);
  }
}
