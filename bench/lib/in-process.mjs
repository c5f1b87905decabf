// The in-process attribution, run in several fresh children: one child's JIT and GC luck moves b − a by µs.
import { median, round } from "./stats.mjs";

const APPS = ["limit", "pitchly", "passport"];

/** Each child runs the three apps interleaved; the figures kept are, per app, the median over the children. */
export async function inProcessAttribution(start, env, { children, ...cfg }) {
  const runs = [];
  for (let i = 0; i < children; i++) {
    const child = await start("in-process", { env, label: `in-process-${i + 1}` });
    runs.push(await child.rpc("run", cfg));
    await child.stop();
  }
  const pick = (app, key) => median(runs.map((r) => r[app][key]));
  return {
    ...Object.fromEntries(APPS.map((app) => [app, { medianUs: pick(app, "medianUs"), iqmUs: pick(app, "iqmUs") }])),
    children: runs.map((r) => ({
      ...Object.fromEntries(APPS.map((app) => [app, round(r[app].medianUs, 1)])),
      overheadUs: round(r.pitchly.medianUs - r.limit.medianUs, 1),
    })),
  };
}
