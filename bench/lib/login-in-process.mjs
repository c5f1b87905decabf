// In-process sign-ins: CPU per sign-in of each app's own steps, medians over rounds, GC-overlapped samples flagged.
import { startChild } from "./procs.mjs";
import { median, round } from "./stats.mjs";

const APPS = ["bare", "pitchly", "passport"];

/** Per app: medians over rounds of each round's median, over GC-free samples and over all of them. */
function summarise(samples) {
  const rounds = [...new Set(samples.map((s) => s.round))];
  const perRound = rounds.map((r) => {
    const out = {};
    for (const app of APPS) {
      const mine = samples.filter((s) => s.round === r && s.app === app);
      const clean = mine.filter((s) => !s.gc);
      const total = (s) => s.loginUs + s.callbackUs;
      out[app] = {
        totalUs: median(clean.map(total)),
        loginUs: median(clean.map((s) => s.loginUs)),
        callbackUs: median(clean.map((s) => s.callbackUs)),
        allTotalUs: median(mine.map(total)),
        gcShare: mine.filter((s) => s.gc).length / mine.length,
        gcUsPerSignIn: mine.reduce((sum, s) => sum + s.gcUs, 0) / mine.length,
      };
    }
    return out;
  });
  const summary = {};
  for (const app of APPS) {
    const rows = perRound.map((r) => r[app]);
    const m = (key, digits = 0) => round(median(rows.map((x) => x[key])), digits);
    summary[app] = {
      totalUs: m("totalUs"),
      loginUs: m("loginUs"),
      callbackUs: m("callbackUs"),
      allTotalUs: m("allTotalUs"),
      gcShare: m("gcShare", 3),
      gcUsPerSignIn: m("gcUsPerSignIn", 1),
    };
  }
  return { summary, perRound };
}

/** Runs the phase in its own child; `mock` is the local Pitchly child (its CPU is never in a window). */
export async function loginInProcess(mock, { rounds = 8, signIns = 150, warmup = 200 } = {}) {
  const child = await startChild("in-process-login", { env: { BENCH_MOCK_URL: mock.url } });
  let raw;
  try {
    raw = await child.rpc("run", { rounds, signIns, warmup });
  } finally {
    await child.stop();
  }
  const { summary, perRound } = summarise(raw.samples);
  const ratio = (s) => round(s.passport.totalUs / s.pitchly.totalUs, 3);
  return {
    summary,
    // passport ÷ express-pitchly CPU per sign-in: ≥ 1.0 means ours costs no more (higher is better).
    ratioVsPassport: ratio(summary),
    ratioVsPassportAllSamples: round(summary.passport.allTotalUs / summary.pitchly.allTotalUs, 3),
    pairedRatio: round(median(perRound.map(ratio)), 3),
    roundRatios: perRound.map(ratio),
    steps: raw.steps,
  };
}
