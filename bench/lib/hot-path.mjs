// Hot path: GET /api/ping on (a) limit, (b) express-pitchly, (c) passport, rotated round by round; server CPU per request.
import { cpuMicros } from "./procs.mjs";
import { cannon } from "./load.mjs";
import { median, round } from "./stats.mjs";
import { Browser } from "./browser.mjs";

/**
 * `servers` = { limit, pitchly, passport } (started children). Each gets one logged-in browser
 * (the real login flow), a warm-up, then `rounds` rounds; round r starts at server r mod 3.
 */
export async function hotPath(servers, { rounds = 3, duration = 5, warmup = 2, connections = 50, log = console.log } = {}) {
  const names = Object.keys(servers);
  const cookies = {};
  for (const name of names) {
    const browser = new Browser(servers[name].origin);
    cookies[name] = await browser.login();
    const check = await browser.get(`${servers[name].origin}/api/ping`);
    if (check.status !== 200) throw new Error(`${name}: /api/ping answered ${check.status} after login`);
  }
  const run = async (name, seconds) => {
    const server = servers[name];
    const before = await cpuMicros(server);
    const r = await cannon({ url: `${server.origin}/api/ping`, cookie: cookies[name], duration: seconds, connections });
    const after = await cpuMicros(server);
    if (r.bad > 0 || r.ok2xx === 0) throw new Error(`${name}: ${r.bad} failed requests on the hot path`);
    return { rps: r.rps, p99: r.p99, cpuUsPerReq: (after - before) / r.total };
  };

  for (const name of names) await run(name, warmup);
  const perRound = [];
  for (let i = 0; i < rounds; i++) {
    const order = names.map((_, k) => names[(i + k) % names.length]);
    const results = {};
    for (const name of order) results[name] = await run(name, duration);
    perRound.push({ order, results });
    log(
      `  round ${i + 1}: ` +
        order
          .map(
            (n) => `${n} ${Math.round(results[n].rps)} req/s p99 ${results[n].p99} ms ${round(results[n].cpuUsPerReq, 0)} µs/req`,
          )
          .join(" | "),
    );
  }

  const summary = {};
  for (const name of names) {
    const rows = perRound.map((r) => r.results[name]);
    summary[name] = {
      rps: round(median(rows.map((r) => r.rps)), 0),
      p99: median(rows.map((r) => r.p99)),
      cpuUsPerReq: round(median(rows.map((r) => r.cpuUsPerReq)), 1),
    };
  }
  // Any other set of servers (the token stores section): the per-server medians and rounds only.
  if (!["limit", "pitchly", "passport"].every((n) => names.includes(n))) return { summary, perRound };
  const roundRatios = perRound.map((r) => ({
    ratio: r.results.pitchly.rps / r.results.limit.rps,
    ratioVsPassport: r.results.pitchly.rps / r.results.passport.rps,
    overheadUs: r.results.pitchly.cpuUsPerReq - r.results.limit.cpuUsPerReq,
  }));
  return {
    summary,
    // b/a and b/c from the per-server medians above (what results.json carries).
    ratio: round(summary.pitchly.rps / summary.limit.rps, 3),
    ratioVsPassport: round(summary.pitchly.rps / summary.passport.rps, 3),
    overheadUs: round(summary.pitchly.cpuUsPerReq - summary.limit.cpuUsPerReq, 1),
    // Cross-checks: the same figures paired within each round (servers back to back), median over rounds.
    pairedRatio: round(median(roundRatios.map((r) => r.ratio)), 3),
    pairedRatioVsPassport: round(median(roundRatios.map((r) => r.ratioVsPassport)), 3),
    pairedOverheadUs: round(median(roundRatios.map((r) => r.overheadUs)), 1),
    perRound,
    roundRatios,
  };
}
