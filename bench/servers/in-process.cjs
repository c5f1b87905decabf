// Apps (a), (b), (c) in one process via fake sockets, one request of each in turn: median µs per request.
"use strict";
const { performance } = require("node:perf_hooks");
const { answerIpc } = require("./common.cjs");
const { inject, cookieOf, consent } = require("./inject.cjs");

/** The real sign-in: app login → the local Pitchly's consent page over HTTP → app callback. */
async function login(app) {
  const start = await inject(app, "/auth/pitchly/login");
  const callback = await consent(start.getHeader("location"));
  const done = await inject(app, callback.pathname + callback.search, cookieOf(start));
  const cookie = cookieOf(done) ?? cookieOf(start);
  if ((await inject(app, "/api/ping", cookie)).statusCode !== 200) throw new Error("not signed in");
  return cookie;
}

const stats = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.slice(Math.floor(s.length / 4), Math.ceil((3 * s.length) / 4));
  return { medianUs: s[Math.floor(s.length / 2)] * 1000, iqmUs: (mid.reduce((a, b) => a + b, 0) / mid.length) * 1000 };
};

async function run({ requests = 10_000, warmup = 3_000 } = {}) {
  const apps = ["limit", "pitchly", "passport"].map((name) => ({ name, app: require(`./${name}.cjs`).build().app, t: [] }));
  for (const a of apps) a.cookie = await login(a.app);
  for (const a of apps) for (let i = 0; i < warmup; i++) await inject(a.app, "/api/ping", a.cookie);
  for (let i = 0; i < requests; i++) {
    for (let k = 0; k < apps.length; k++) {
      const a = apps[(i + k) % apps.length];
      const t0 = performance.now();
      const res = await inject(a.app, "/api/ping", a.cookie);
      a.t.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`${a.name}: /api/ping answered ${res.statusCode}`);
    }
  }
  return Object.fromEntries(apps.map((a) => [a.name, stats(a.t)]));
}

answerIpc({ run, exit: () => setTimeout(() => process.exit(0), 20) && true });
process.send({ type: "ready" });
