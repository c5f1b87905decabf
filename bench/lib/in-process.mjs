// The in-process attribution, run in several fresh children: one child's JIT and GC luck moves b − a by µs.
import { median, round } from "./stats.mjs";

const APPS = ["limit", "pitchly", "passport"];

/** Each child runs the three apps interleaved; per app the median over the children, and the paired figures. */
export async function inProcessAttribution(start, env, { children, ...cfg }) {
  const runs = [];
  for (let i = 0; i < children; i++) {
    const child = await start("in-process", { env, label: `in-process-${i + 1}` });
    runs.push(await child.rpc("run", cfg));
    await child.stop();
  }
  const pick = (app, key) => median(runs.map((r) => r[app][key]));
  const paired = (f, digits) =>
    round(median(runs.map((r) => f(r.limit.medianUs, r.pitchly.medianUs, r.passport.medianUs))), digits);
  return {
    // Differences and ratios are taken within each child, then the median of those: never across children.
    paired: {
      ratio: paired((a, b) => a / b, 3),
      ratioVsPassport: paired((_a, b, c) => c / b, 3),
      overheadUs: paired((a, b) => b - a, 1),
    },
    ...Object.fromEntries(APPS.map((app) => [app, { medianUs: pick(app, "medianUs"), iqmUs: pick(app, "iqmUs") }])),
    children: runs.map((r) => ({
      ...Object.fromEntries(APPS.map((app) => [app, round(r[app].medianUs, 1)])),
      overheadUs: round(r.pitchly.medianUs - r.limit.medianUs, 1),
    })),
  };
}
