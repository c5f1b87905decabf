// Login throughput: complete login → consent → callback cycles per second, express-pitchly vs passport-oauth2, alternating rounds.
import { cpuMicros } from "./procs.mjs";
import { Browser } from "./browser.mjs";
import { median, round } from "./stats.mjs";

/** Fresh browsers (no cookie) signing in back to back, `concurrency` at a time, for `seconds`. */
async function cycles(origin, seconds, concurrency) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < deadline) {
      await new Browser(origin).login();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { cycles: done, perSec: done / ((Date.now() - started) / 1000) };
}

export async function loginRate(
  servers,
  mock,
  { rounds = 3, duration = 4, warmup = 1, concurrency = 8, log = console.log } = {},
) {
  const names = Object.keys(servers);
  const run = async (name, seconds) => {
    const server = servers[name];
    const [cpu0, mock0] = [await cpuMicros(server), await cpuMicros(mock)];
    const r = await cycles(server.origin, seconds, concurrency);
    const [cpu1, mock1] = [await cpuMicros(server), await cpuMicros(mock)];
    return { ...r, serverUsPerLogin: (cpu1 - cpu0) / r.cycles, mockUsPerLogin: (mock1 - mock0) / r.cycles };
  };
  for (const name of names) await run(name, warmup);
  const perRound = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [...names].reverse() : names;
    const results = {};
    for (const name of order) results[name] = await run(name, duration);
    perRound.push({ order, results });
    log(
      `  round ${i + 1}: ` +
        order
          .map((n) => `${n} ${round(results[n].perSec, 0)} logins/s (server ${round(results[n].serverUsPerLogin, 0)} µs/login)`)
          .join(" | "),
    );
  }
  const summary = {};
  for (const name of names) {
    const rows = perRound.map((r) => r.results[name]);
    summary[name] = {
      cyclesPerSec: round(median(rows.map((r) => r.perSec)), 0),
      serverUsPerLogin: round(median(rows.map((r) => r.serverUsPerLogin)), 0),
      mockUsPerLogin: round(median(rows.map((r) => r.mockUsPerLogin)), 0),
    };
  }
  const paired = perRound.map((r) => r.results.pitchly.perSec / r.results.passport.perSec);
  return {
    summary,
    ratioVsPassport: round(summary.pitchly.cyclesPerSec / summary.passport.cyclesPerSec, 3),
    // Cross-check: paired within each round, median over rounds.
    pairedRatio: round(median(paired), 3),
    paired,
    perRound,
  };
}
