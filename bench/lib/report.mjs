// Writes bench/results.json (the agreed keys) and bench/RESULTS.md (machine, tables, targets).
import { writeFileSync } from "node:fs";
import os from "node:os";
import { MB, round } from "./stats.mjs";
import { storesJson } from "./stores.mjs";

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    ramGb: round(os.totalmem() / 1024 / MB, 1),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

export function resultsJson(r) {
  const pick = (s) => ({ rps: s.rps, p99: s.p99 });
  return {
    hotPath: {
      limit: pick(r.hot.summary.limit),
      pitchly: pick(r.hot.summary.pitchly),
      passport: pick(r.hot.summary.passport),
      ratio: r.hot.ratio,
      ratioVsPassport: r.hot.ratioVsPassport,
    },
    refreshStorm: {
      refreshCalls: r.storm.refreshCalls,
      failed: r.storm.failed,
      p99Ms: r.storm.p99Ms,
      floorP99Ms: r.storm.floorP99Ms,
      sessionWrites: r.storm.sessionWrites,
      multiSession: r.storm.multiSession,
    },
    login: {
      pitchly: { cyclesPerSec: r.login.summary.pitchly.cyclesPerSec },
      passport: { cyclesPerSec: r.login.summary.passport.cyclesPerSec },
      ratioVsPassport: r.login.ratioVsPassport,
      // passport's CPU per sign-in ÷ ours, one process, interleaved: ≥ 1.0 means ours costs no more.
      inProcessRatioVsPassport: r.loginCpu.ratioVsPassport,
    },
    memory: {
      logins: r.mem.logins,
      heapGrowthMb: r.mem.heapGrowthMb,
      rssGrowthMb: r.mem.rssGrowthMb,
      freshBrowsers: r.mem.freshBrowsers,
    },
    overheadUs: r.hot.overheadUs,
    ...(r.stores && { stores: storesJson(r.stores) }),
  };
}

/** Each target: [name, holds, measured, note]; the note explains a miss, or qualifies a pass that is not robust. */
export function targets(j, r, notes = {}) {
  const s = j.refreshStorm;
  const ip = inProcessRatios(r.inProcess);
  // Over HTTP this machine's noise can carry a ratio across a line; the in-process figure is the steadier one.
  const caveat = (holds, steady, line, miss) =>
    !holds
      ? miss
      : steady < line
        ? `holds over HTTP in this run, but the in-process figure (${steady}) does not: not a robust pass; see Profile notes`
        : "";
  const hotOk = j.hotPath.ratio >= 0.97;
  const vsOk = j.hotPath.ratioVsPassport >= 1.0;
  const stormOk =
    r.storm.rounds.storms.every((x) => x.refreshCalls === 1) &&
    s.multiSession.refreshCalls === s.multiSession.sessions &&
    s.failed + s.multiSession.failed === 0 &&
    s.p99Ms <= s.floorP99Ms + 50;
  const loginOk = j.login.ratioVsPassport >= 1.0;
  const memOk = j.memory.heapGrowthMb < 20;
  const lc = r.loginCpu;
  const cpuOk = j.login.inProcessRatioVsPassport >= 1.0;
  return [
    [
      "`hotPath.ratio` ≥ 0.97",
      hotOk,
      `${j.hotPath.ratio} (paired ${r.hot.pairedRatio}, in process ${ip.ratio})`,
      caveat(hotOk, ip.ratio, 0.97, notes.ratio),
    ],
    [
      "`hotPath.ratioVsPassport` ≥ 1.0",
      vsOk,
      `${j.hotPath.ratioVsPassport} (paired ${r.hot.pairedRatioVsPassport}, in process ${ip.ratioVsPassport})`,
      caveat(vsOk, ip.ratioVsPassport, 1.0, notes.ratioVsPassport),
    ],
    [
      "refresh storm: one call per session, 0 failed, `p99Ms` ≤ `floorP99Ms` + 50",
      stormOk,
      `${s.refreshCalls} call, ${s.multiSession.refreshCalls}/${s.multiSession.sessions} calls, ${s.failed + s.multiSession.failed} failed, p99 ${s.p99Ms} ms vs floor ${s.floorP99Ms} + 50 ms`,
      stormOk ? "" : notes.storm,
    ],
    [
      "`login.ratioVsPassport` ≥ 1.0",
      loginOk,
      `${j.login.ratioVsPassport} (paired ${r.login.pairedRatio}; server CPU per login ${r.login.summary.pitchly.serverUsPerLogin} vs ${r.login.summary.passport.serverUsPerLogin} µs)`,
      loginOk ? "" : notes.login,
    ],
    [
      "`login.inProcessRatioVsPassport` ≥ 1.0",
      cpuOk,
      `${j.login.inProcessRatioVsPassport} (paired ${lc.pairedRatio}, all samples ${lc.ratioVsPassportAllSamples}; CPU per sign-in ${lc.summary.pitchly.totalUs} vs ${lc.summary.passport.totalUs} µs)`,
      cpuOk ? "" : notes.loginCpu,
    ],
    ["`memory.heapGrowthMb` < 20", memOk, `${j.memory.heapGrowthMb} MB`, memOk ? "" : notes.memory],
    [
      "in process, b − a ≤ 6 µs per request",
      ip.overheadUs <= 6,
      `${ip.overheadUs} µs (children: ${(r.inProcess.children ?? []).map((c) => c.overheadUs).join(", ")})`,
      ip.overheadUs <= 6 ? "" : notes.inProcessOverhead,
    ],
    [
      "in process, b/c ≥ 1.10",
      ip.ratioVsPassport >= 1.1,
      `${ip.ratioVsPassport}`,
      ip.ratioVsPassport >= 1.1 ? "" : notes.inProcessOverhead,
    ],
  ];
}

export function inProcessRatios(ip) {
  if (ip.paired) return ip.paired;
  return {
    ratio: round(ip.limit.medianUs / ip.pitchly.medianUs, 3),
    ratioVsPassport: round(ip.passport.medianUs / ip.pitchly.medianUs, 3),
    overheadUs: round(ip.pitchly.medianUs - ip.limit.medianUs, 1),
  };
}

const table = (head, rows) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

export function resultsMarkdown(r, j, m, wallSeconds, notes) {
  const h = r.hot;
  const hs = h.summary;
  const rounds = h.perRound.map((pr, i) => [
    i + 1,
    ...["limit", "pitchly", "passport"].map(
      (n) => `${Math.round(pr.results[n].rps)} / ${pr.results[n].p99} / ${Math.round(pr.results[n].cpuUsPerReq)}`,
    ),
    round(h.roundRatios[i].ratio, 3),
    round(h.roundRatios[i].ratioVsPassport, 3),
  ]);
  const st = r.storm.rounds;
  const ls = r.login.summary;
  const t = targets(j, r, notes);
  const ip = inProcessRatios(r.inProcess);
  return `# express-pitchly benchmarks

Generated by \`npm run bench\` (bench/run.mjs) — do not edit by hand; rerun instead.

- Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}
- Node ${m.node}, run ${m.date}, benchmark wall-clock ${Math.round(wallSeconds)} s (plus the build)
- Method: every server is its own child process on 127.0.0.1, the local Pitchly another, and the load
  generator (autocannon 9, programmatic) the parent. Servers are warmed up, then run in alternating
  rounds (the order rotates each round); figures are medians of ${h.perRound.length} rounds, ratios are taken
  between those medians (the same ratio paired within each round is shown as a cross-check). Server CPU is
  \`process.cpuUsage()\` read inside each server before and after each round. This machine is shared
  and noisy: expect about ±0.1 on a ratio between runs.

## Hot path: \`GET /api/ping\` with a logged-in session (${r.cfg.hot.connections} connections, ${r.cfg.hot.duration} s per server per round)

| server | req/s | p99 ms | server CPU µs/req |
|---|---|---|---|
| (a) limit: express + express-session, no auth middleware | ${hs.limit.rps} | ${hs.limit.p99} | ${hs.limit.cpuUsPerReq} |
| (b) + \`requirePitchlyToken()\`, valid token | ${hs.pitchly.rps} | ${hs.pitchly.p99} | ${hs.pitchly.cpuUsPerReq} |
| (c) passport + passport-oauth2, deserialized user | ${hs.passport.rps} | ${hs.passport.p99} | ${hs.passport.cpuUsPerReq} |

\`ratio\` (b/a) = **${h.ratio}** (paired per round: ${h.pairedRatio}); \`ratioVsPassport\` (b/c) = **${h.ratioVsPassport}**
(paired: ${h.pairedRatioVsPassport}); \`overheadUs\` (server CPU of b − a) = **${h.overheadUs} µs** (paired: ${h.pairedOverheadUs} µs).

${table(["round", "(a) req/s / p99 / µs", "(b) req/s / p99 / µs", "(c) req/s / p99 / µs", "b/a", "b/c"], rounds)}

### The same three apps in one process (informational)

No sockets and no load generator: the three apps run in one child, driven through fake sockets, one
request of each in turn (${r.cfg.inProcess.requests} each, after a warm-up), so the machine's noise hits all three alike.
This is the steadiest view of what express-pitchly itself costs per request. One child's JIT and GC luck
still moves b − a by a few µs, so ${r.cfg.inProcess.children} fresh children run it in turn. The first table keeps, per app, the
median over the children; the ratios and b − a below are taken within each child (second table), then their median.

| app | median µs/request | interquartile mean µs |
|---|---|---|
${["limit", "pitchly", "passport"].map((n) => `| ${n} | ${round(r.inProcess[n].medianUs, 1)} | ${round(r.inProcess[n].iqmUs, 1)} |`).join("\n")}

${table(
  ["child", "limit µs", "pitchly µs", "passport µs", "b − a µs"],
  (r.inProcess.children ?? []).map((c, i) => [i + 1, c.limit, c.pitchly, c.passport, c.overheadUs]),
)}

In process: b/a = **${ip.ratio}**, b/c = **${ip.ratioVsPassport}**, b − a = **${ip.overheadUs} µs** per request (over HTTP
the same work is a smaller share of a request, which also pays for the socket and the kernel).

${notes.inProcessProfile ?? ""}
## Refresh storm (local Pitchly token endpoint with 50 ms latency)

${r.cfg.storm.size} concurrent requests (pre-opened keep-alive sockets) on one session whose access token was just
rewritten into the past through the session store; the floor is the same burst with a valid token.

${table(
  [
    "round",
    "floor p99 ms",
    "storm p99 ms",
    "floor server CPU ms",
    "storm server CPU ms",
    "refresh calls",
    "failed",
    "session writes",
  ],
  st.storms.map((s, i) => [
    i + 1,
    round(st.floors[i].p99Ms, 1),
    round(s.p99Ms, 1),
    round(st.floors[i].serverCpuMs, 0),
    round(s.serverCpuMs, 0),
    s.refreshCalls,
    s.failed,
    s.sessionWrites,
  ]),
)}

Median: storm p99 **${j.refreshStorm.p99Ms} ms** vs floor **${j.refreshStorm.floorP99Ms} ms**; **${j.refreshStorm.refreshCalls}** refresh call per storm (worst round), **${j.refreshStorm.failed}** failed (all rounds); **${j.refreshStorm.sessionWrites}** session-store writes during a storm (worst round).
${j.refreshStorm.multiSession.sessions} sessions × ${j.refreshStorm.multiSession.concurrentPerSession} concurrent requests: **${j.refreshStorm.multiSession.refreshCalls}** refresh calls, ${j.refreshStorm.multiSession.failed} failed, p99 ${j.refreshStorm.multiSession.p99Ms} ms.

${notes.sessionWrites ?? ""}

## Login: complete login → consent → callback cycles (fresh browser each, ${r.cfg.login.concurrency} at a time)

| server | cycles/s | server CPU µs per login | local Pitchly CPU µs per login |
|---|---|---|---|
| express-pitchly | ${ls.pitchly.cyclesPerSec} | ${ls.pitchly.serverUsPerLogin} | ${ls.pitchly.mockUsPerLogin} |
| passport-oauth2 | ${ls.passport.cyclesPerSec} | ${ls.passport.serverUsPerLogin} | ${ls.passport.mockUsPerLogin} |

\`login.ratioVsPassport\` = **${r.login.ratioVsPassport}** (paired per round: ${r.login.pairedRatio}; rounds ${r.login.paired.map((x) => round(x, 2)).join(", ")}). Both servers share the same local Pitchly and load generator, which do most of the work per cycle.

${loginCpuSection(r)}

${notes.loginCpuProfile ?? ""}

## Memory: logins that never come back (child with \`--expose-gc\`, figures after \`gc()\`)

| scenario | logins | heap growth MB | RSS growth MB | sessions in store |
|---|---|---|---|---|
| one browser (one cookie) | ${j.memory.logins} | ${j.memory.heapGrowthMb} | ${j.memory.rssGrowthMb} | ${r.mem.detail.oneBrowser.sessions} |
| fresh browsers (informational) | ${j.memory.freshBrowsers.logins} | ${j.memory.freshBrowsers.heapGrowthMb} | ${j.memory.freshBrowsers.rssGrowthMb} | ${j.memory.freshBrowsers.sessions} |

Pending logins are capped at 5 per session, so one browser's abandoned logins stay bounded. The fresh-browser
growth is the app's own session store: every cookieless login creates an express-session session in
MemoryStore (which express-session documents as unfit for production); a real store expires them.

${storesSection(r, j)}## Targets

${table(
  ["target", "holds", "measured", "note"],
  t.map(([name, ok, got, note]) => [name, ok ? "✅" : "❌", got, note || (ok ? "" : "missed: see the profile notes below")]),
)}

${notes.profile ?? ""}
`;
}

export function storesSection(r, j) {
  if (!j.stores) return "";
  const head = `## Token stores: the grant in Redis / Postgres, clear and under EncryptedTokenStore

Four express-pitchly children in the same run (redis-server and a throwaway PostgreSQL cluster on loopback, durability
off; RedisTokenStore + RedisLock, PostgresTokenStore as its own lock, EncryptedTokenStore with one random 32-byte key).
Hot path rotated across the four as above (${r.cfg.hot.rounds} rounds × ${r.cfg.hot.duration} s); then the refresh storm of the
section above on each (${r.cfg.storm.rounds} rounds × ${r.cfg.storm.size} concurrent, token endpoint +50 ms).

`;
  if (j.stores.skipped) return `${head}skipped: ${j.stores.skipped}\n\n`;
  const rows = Object.entries(j.stores).map(([name, x]) => [
    name,
    x.hotPath.reqPerSec,
    x.hotPath.p99Ms,
    x.hotPath.cpuUsPerReq,
    x.storm.refreshCalls,
    x.storm.failed,
    x.storm.p99Ms,
    x.storm.floorP99Ms,
    `${x.storm.multiSessionRefreshCalls} / ${x.storm.multiSessionFailed}`,
  ]);
  return `${head}${table(
    [
      "store",
      "hot req/s",
      "hot p99 ms",
      "server CPU µs/req",
      "storm refresh calls",
      "storm failed",
      "storm p99 ms",
      "floor p99 ms",
      "100 sessions × 10: calls / failed",
    ],
    rows,
  )}

`;
}

function loginCpuSection(r) {
  const lc = r.loginCpu;
  const c = r.cfg.loginInProcess;
  const label = {
    bare: "bare: express-session + a hand-written code flow (floor)",
    pitchly: "express-pitchly",
    passport: "passport + passport-oauth2",
  };
  const rows = ["bare", "pitchly", "passport"].map((n) => {
    const s = lc.summary[n];
    return [
      label[n],
      `**${s.totalUs}**`,
      s.loginUs,
      s.callbackUs,
      s.allTotalUs,
      `${round(100 * s.gcShare, 1)} %`,
      s.gcUsPerSignIn,
    ];
  });
  return `## Login: CPU per sign-in, the three apps in one process

One child runs all three apps, driven through fake sockets; the local Pitchly is another child, and every
app exchanges its codes with the same token endpoint over loopback. Sign-ins are interleaved one by one
(the order rotates every sign-in), ${c.rounds} rounds × ${c.signIns} sign-ins per app after ${c.warmup} warm-up sign-ins each.
A sample is \`process.cpuUsage()\` around the app's own steps: the login route, then the callback with its
code exchange (the consent page in between is the browser's and Pitchly's, and is not counted). Samples a
GC pause overlapped (\`perf_hooks\` \`gc\` entries) are flagged and left out of the headline medians; the
"all samples" column keeps them, and the GC columns show what each app's garbage costs. Figures are the
median over rounds of each round's median.

${table(["app", "CPU µs per sign-in (GC-free)", "login route µs", "callback µs", "all samples µs", "samples a GC overlapped", "GC µs per sign-in"], rows)}

\`login.inProcessRatioVsPassport\` = passport ÷ express-pitchly CPU per sign-in = **${lc.ratioVsPassport}** (≥ 1.0: ours costs no
more; higher is better, like the other ratios). Paired per round: ${lc.pairedRatio} (rounds ${lc.roundRatios.map((x) => round(x, 2)).join(", ")});
over all samples, GC included: ${lc.ratioVsPassportAllSamples}.

express-pitchly's sign-in step by step (a separate pass with the package's own functions wrapped in
\`process.cpuUsage()\`, so the wrappers' own cost is in these figures and not in the table above):

${table(
  ["step", "CPU µs per sign-in"],
  Object.entries(lc.steps).map(([k, v]) => [k, v]),
)}`;
}

export function writeResults(dir, json, markdown) {
  writeFileSync(new URL("results.json", dir), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(new URL("RESULTS.md", dir), markdown);
}
