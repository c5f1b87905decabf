// npm run bench: local Pitchly + servers as children on loopback, every section in turn, writes RESULTS.md and results.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startChild } from "./lib/procs.mjs";
import { closeBrowsers } from "./lib/browser.mjs";
import { hotPath } from "./lib/hot-path.mjs";
import { refreshStorm } from "./lib/refresh-storm.mjs";
import { loginRate } from "./lib/login-rate.mjs";
import { memory } from "./lib/memory.mjs";
import { storesJson, storesSummary, tokenStores } from "./lib/stores.mjs";
import { loginInProcess } from "./lib/login-in-process.mjs";
import { inProcessAttribution } from "./lib/in-process.mjs";
import { machine, resultsJson, resultsMarkdown, writeResults } from "./lib/report.mjs";
import { NOTES } from "./notes.mjs";

// BENCH_QUICK=1: short rounds for development, written to bench/.cache/quick/ instead.
const QUICK = process.env.BENCH_QUICK === "1";
const cfg = QUICK
  ? {
      hot: { rounds: 3, duration: 1, warmup: 1, connections: 50 },
      inProcess: { children: 1, requests: 2_000, warmup: 1_000 },
      storm: { rounds: 2, size: 1000 },
      login: { rounds: 2, duration: 1, warmup: 0.5, concurrency: 8 },
      loginInProcess: { rounds: 3, signIns: 60, warmup: 60 },
      mem: { logins: 10_000, freshLogins: 2_000, warmup: 1_000 },
    }
  : {
      hot: { rounds: 12, duration: 1.5, warmup: 2, connections: 50 },
      inProcess: { children: 5, requests: 6_000, warmup: 2_000 },
      storm: { rounds: 5, size: 1000 },
      login: { rounds: 8, duration: 1.5, warmup: 2, concurrency: 8 },
      loginInProcess: { rounds: 8, signIns: 150, warmup: 200 },
      mem: { logins: 100_000, freshLogins: 10_000, warmup: 2_000 },
    };

// BENCH_ONLY=login-in-process or BENCH_ONLY=stores: that phase alone (with the local Pitchly), printed and written to bench/.cache/only/.
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== "login-in-process" && ONLY !== "stores")
  throw new Error(`BENCH_ONLY=${ONLY}: only "login-in-process" or "stores" can run alone`);

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const children = [];
const start = async (name, opts) => {
  const child = await startChild(name, opts);
  children.push(child);
  return child;
};

const runLoginInProcess = async (mock) => {
  const c = cfg.loginInProcess;
  console.log(`in-process sign-ins (${c.rounds} rounds × ${c.signIns} sign-ins per app, interleaved)`);
  const r = await loginInProcess(mock, c);
  const s = r.summary;
  console.log(
    `  → CPU µs per sign-in: ${Object.entries(s)
      .map(([n, x]) => `${n} ${x.totalUs}`)
      .join(", ")}; ratio vs passport ${r.ratioVsPassport} (all samples ${r.ratioVsPassportAllSamples})  [${elapsed()}]`,
  );
  return r;
};

// Token stores: the hot path rotated across four children (grant in Redis, Redis encrypted, Postgres, Postgres encrypted), then a storm on each.
const runStores = async (mock) => {
  console.log(`token stores (${cfg.hot.rounds} rounds × 4 stores × ${cfg.hot.duration} s; storm ${cfg.storm.size} concurrent)`);
  const r = await tokenStores(start, mock, { hot: cfg.hot, storm: cfg.storm });
  console.log(`${storesSummary(storesJson(r))}  [${elapsed()}]`);
  return r;
};

const writeOnly = (name, data) => {
  const out = new URL("./.cache/only/", import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL(`${name}.json`, out), `${JSON.stringify({ machine: machine(), ...data }, null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(new URL(`${name}.json`, out))}`);
};

try {
  const mock = await start("mock");
  const env = { BENCH_MOCK_URL: mock.url };
  if (ONLY === "login-in-process") {
    const r = await runLoginInProcess(mock);
    console.log(JSON.stringify(r, null, 2));
    writeOnly("login-in-process", { cfg: cfg.loginInProcess, ...r });
  } else if (ONLY === "stores") {
    const r = await runStores(mock);
    const json = storesJson(r);
    console.log(JSON.stringify({ stores: json }, null, 2));
    writeOnly("stores", { cfg: { hot: cfg.hot, storm: cfg.storm }, stores: json, raw: r });
  } else {
    const [limit, pitchly, passport] = await Promise.all([
      start("limit", { env }),
      start("pitchly", { env }),
      start("passport", { env }),
    ]);

    console.log(`hot path (${cfg.hot.rounds} rounds × 3 servers × ${cfg.hot.duration} s)`);
    const hot = await hotPath({ limit, pitchly, passport }, cfg.hot);
    console.log(`  → ratio ${hot.ratio}, vs passport ${hot.ratioVsPassport}, overhead ${hot.overheadUs} µs/req  [${elapsed()}]`);

    console.log(
      `in-process attribution (${cfg.inProcess.children} children × ${cfg.inProcess.requests} requests per app, interleaved)`,
    );
    const inProcess = await inProcessAttribution(start, env, cfg.inProcess);
    console.log(
      `  → µs/request: ${["limit", "pitchly", "passport"]
        .map((n) => `${n} ${inProcess[n].medianUs.toFixed(1)}`)
        .join(", ")}; b − a per child ${inProcess.children.map((c) => c.overheadUs).join(", ")}  [${elapsed()}]`,
    );

    console.log(`refresh storm (${cfg.storm.size} concurrent, token endpoint +50 ms)`);
    const storm = await refreshStorm(pitchly, mock, cfg.storm);
    console.log(`  → p99 ${storm.p99Ms} ms vs floor ${storm.floorP99Ms} ms  [${elapsed()}]`);

    console.log(`login cycles (${cfg.login.rounds} rounds × 2 servers × ${cfg.login.duration} s)`);
    const login = await loginRate({ pitchly, passport }, mock, cfg.login);
    console.log(`  → ratio vs passport ${login.ratioVsPassport}  [${elapsed()}]`);

    await Promise.all([limit, pitchly, passport].map((c) => c.stop()));
    const loginCpu = await runLoginInProcess(mock);

    console.log(`memory (${cfg.mem.logins} abandoned logins)`);
    const memServer = await start("pitchly", { env, gc: true, label: "memory" });
    const mem = await memory(memServer, cfg.mem);
    console.log(`  → heap growth ${mem.heapGrowthMb} MB  [${elapsed()}]`);

    const stores = await runStores(mock);

    const results = { cfg, hot, inProcess, storm, login, loginCpu, mem, stores };
    const json = resultsJson(results);
    console.log(JSON.stringify(json, null, 2));
    // A quick run writes to bench/.cache/quick/ (ignored by git), never over the committed results.
    const out = new URL(QUICK ? "./.cache/quick/" : "./", import.meta.url);
    mkdirSync(out, { recursive: true });
    writeResults(out, json, resultsMarkdown(results, json, machine(), (Date.now() - started) / 1000, NOTES));
    console.log(`wrote ${fileURLToPath(new URL("RESULTS.md", out))} and results.json in ${elapsed()}`);
  }
} finally {
  await Promise.all(children.map((c) => c.stop()));
  await closeBrowsers();
}
