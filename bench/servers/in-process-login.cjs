// Sign-ins in one process: bare, express-pitchly and passport-oauth2 interleaved; CPU of each app's own steps per sign-in.
"use strict";
const path = require("node:path");
const { performance, PerformanceObserver } = require("node:perf_hooks");
const { answerIpc } = require("./common.cjs");
const { inject, cookieOf, consent } = require("./inject.cjs");

const APPS = ["bare", "pitchly", "passport"];
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

// Every GC pause this process sees, to flag the samples one overlapped (entries arrive asynchronously).
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
}).observe({ entryTypes: ["gc"] });

/**
 * One sign-in of a fresh browser. Only the app's two steps are timed (login route; callback with its
 * code exchange): the consent page is the browser's and the local Pitchly's work, and the local Pitchly
 * runs in another process, so its CPU never lands in a window.
 */
async function signIn(a) {
  const w0 = performance.now();
  const c0 = cpuNow();
  const start = await inject(a.app, "/auth/pitchly/login");
  const loginUs = cpuNow() - c0;
  const w1 = performance.now();
  if (start.statusCode !== 302) throw new Error(`${a.name}: login answered ${start.statusCode}`);
  const callback = await consent(start.getHeader("location"));
  const cookie = cookieOf(start);
  const w2 = performance.now();
  const c1 = cpuNow();
  const done = await inject(a.app, callback.pathname + callback.search, cookie);
  const callbackUs = cpuNow() - c1;
  const w3 = performance.now();
  if (done.statusCode !== 302 || done.getHeader("location") !== "/")
    throw new Error(`${a.name}: callback answered ${done.statusCode} to ${done.getHeader("location")}`);
  if ((await inject(a.app, "/api/ping", cookieOf(done) ?? cookie)).statusCode !== 200)
    throw new Error(`${a.name}: not signed in`);
  return { loginUs, callbackUs, windows: [w0, w1, w2, w3] };
}

const overlapsGc = ([w0, w1, w2, w3]) => gcs.some(([s, e]) => (s < w1 && e > w0) || (s < w3 && e > w2));

/** `rounds` rounds of `signIns` sign-ins per app, interleaved one by one (the order rotates every sign-in). */
async function run({ rounds = 8, signIns = 150, warmup = 200, only = APPS, stepPass = true } = {}) {
  const apps = only.map((name) => ({ name, app: require(`./${name}.cjs`).build().app }));
  for (let i = 0; i < warmup; i++) for (const a of apps) await signIn(a);
  await new Promise((r) => setTimeout(r, 50));
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < signIns; i++) {
      for (let k = 0; k < apps.length; k++) {
        const a = apps[(i + k + r) % apps.length];
        const s = await signIn(a);
        samples.push({ app: a.name, round: r, loginUs: s.loginUs, callbackUs: s.callbackUs, windows: s.windows });
      }
    }
  }
  const pitchly = apps.find((a) => a.name === "pitchly");
  // Let the observer deliver the last entries before flagging.
  await new Promise((r) => setTimeout(r, 50));
  const gcMs = (w) =>
    gcs.reduce(
      (sum, [s, e]) =>
        sum + Math.max(0, Math.min(e, w[1]) - Math.max(s, w[0])) + Math.max(0, Math.min(e, w[3]) - Math.max(s, w[2])),
      0,
    );
  return {
    samples: samples.map(({ windows, ...s }) => ({ ...s, gc: overlapsGc(windows), gcUs: Math.round(gcMs(windows) * 1000) })),
    steps: stepPass
      ? (
          await steps([{ ...pitchly, dist: path.dirname(require.resolve("express-pitchly")) }], {
            signIns: Math.max(100, signIns),
          })
        ).pitchly
      : undefined,
  };
}

/**
 * Per-step CPU of express-pitchly's sign-in: the built package's own functions wrapped with
 * process.cpuUsage() in a separate pass (the wrappers cost a little, so totals come from `run`'s
 * unwrapped rounds). Sign-ins run one at a time, so an async step's window holds only its own work.
 * `targets` ({ name, app, dist }: apps built from different builds of the package) are interleaved.
 */
async function steps(targets, { signIns }) {
  const acc = {};
  let phase = "login";
  const undo = [];
  const wrap = (label, target, name) => {
    const original = target[name];
    if (typeof original !== "function") return;
    undo.push(() => (target[name] = original));
    target[name] = function wrapped(...args) {
      const c0 = cpuNow();
      const key = typeof label === "function" ? label() : label;
      const add = () => (acc[key] = (acc[key] ?? 0) + cpuNow() - c0);
      const out = original.apply(this, args);
      if (out && typeof out.then === "function") return out.finally(add);
      add();
      return out;
    };
  };
  for (const { dist } of targets) {
    const mod = (rel) => require(path.join(dist, rel));
    const loginState = mod("session/login-state.js");
    const access = mod("session/session-access.js");
    wrap("callback: state check", loginState, "takePendingLogin");
    wrap("callback: state check", loginState.SpentStates.prototype, "claim");
    wrap("callback: code exchange", mod("pitchly/token-client.js").TokenClient.prototype, "exchangeCode");
    wrap("callback: code exchange, of which the token answer's parsing", mod("pitchly/token-answer.js"), "readTokenAnswer");
    wrap("callback: session renew", access, "renewSession");
    wrap(() => `${phase}: session save`, access, "saveSession");
  }
  const rows = Object.fromEntries(targets.map((t) => [t.name, []]));
  try {
    for (let n = 0; n < signIns * targets.length; n++) {
      const a = targets[n % targets.length];
      for (const k of Object.keys(acc)) delete acc[k];
      phase = "login";
      const c0 = cpuNow();
      const start = await inject(a.app, "/auth/pitchly/login");
      const login = cpuNow() - c0;
      const callback = await consent(start.getHeader("location"));
      phase = "callback";
      const c1 = cpuNow();
      const done = await inject(a.app, callback.pathname + callback.search, cookieOf(start));
      const whole = cpuNow() - c1;
      if (done.statusCode !== 302) throw new Error(`${a.name} (steps): callback answered ${done.statusCode}`);
      const named = Object.entries(acc).filter(([k]) => k.startsWith("callback") && !k.includes("of which"));
      rows[a.name].push({
        "login route (whole)": login,
        ...acc,
        "callback (whole)": whole,
        "callback: rest (routing, session load, query, sign-in record, redirect, log)":
          whole - named.reduce((sum, [, v]) => sum + v, 0),
      });
    }
  } finally {
    for (const u of undo) u();
  }
  // Medians per step (a step's median, not a share of the whole's: the parts need not add up exactly).
  const order = [
    "login route (whole)",
    "login: session save",
    "callback (whole)",
    "callback: state check",
    "callback: code exchange",
    "callback: code exchange, of which the token answer's parsing",
    "callback: session renew",
    "callback: session save",
  ];
  const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const medians = (list) => {
    const keys = [...new Set([...order, ...list.flatMap((r) => Object.keys(r))])].filter((k) => list.some((r) => k in r));
    return Object.fromEntries(keys.map((k) => [k, median(list.map((r) => r[k] ?? 0))]));
  };
  return Object.fromEntries(targets.map((t) => [t.name, medians(rows[t.name])]));
}

answerIpc({ run, exit: () => setTimeout(() => process.exit(0), 20) && true });
process.send({ type: "ready" });
