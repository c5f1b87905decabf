// Shared plumbing for the bench server children: counting session store, IPC commands, loopback listen.
"use strict";
const http = require("node:http");
const session = require("express-session");

const CLIENT_ID = "bench-app";
const CLIENT_SECRET = "bench-client-secret";
// Registered with the local Pitchly. Every server uses it; the bench browser follows the
// callback's path + query to the server it is driving (as test/helpers/app.ts does).
const REDIRECT_URI = "http://localhost/auth/pitchly/callback";
const SESSION_SECRET = "bench-session-secret";

/** express-session's MemoryStore with its `set` wrapped to count writes. */
function countingStore() {
  const store = new session.MemoryStore();
  const originalSet = store.set;
  let writes = 0;
  store.set = function countedSet(...args) {
    writes++;
    return originalSet.apply(this, args);
  };
  return {
    store,
    sessionMiddleware: session({ secret: SESSION_SECRET, resave: false, saveUninitialized: false, store }),
    writes: () => writes,
    resetWrites: () => {
      writes = 0;
    },
    /** Write a session without counting it (bench-only commands). */
    rawSet: (sid, sess) =>
      new Promise((resolve, reject) => originalSet.call(store, sid, sess, (e) => (e ? reject(e) : resolve()))),
    get: (sid) => new Promise((resolve, reject) => store.get(sid, (e, s) => (e ? reject(e) : resolve(s)))),
    count: () => Object.keys(store.sessions).length,
  };
}

const ping = (_req, res) => res.json({ pong: true });

const renderError = (err, _req, res, _next) => {
  res.status(err.status ?? 500).json({ error: err.code ?? "internal", message: err.message });
};

/** Answers the parent's { id, cmd, args } messages with { id, ok, result | error }. */
function answerIpc(commands) {
  process.on("message", async (msg) => {
    if (!msg || typeof msg.id !== "number") return;
    try {
      const fn = commands[msg.cmd];
      if (!fn) throw new Error(`unknown command ${msg.cmd}`);
      process.send({ id: msg.id, ok: true, result: await fn(msg.args) });
    } catch (err) {
      process.send({ id: msg.id, ok: false, error: String(err && err.stack ? err.stack : err) });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

/** Listens on loopback, reports { type: "ready", port } to the parent; `commands` adds server-specific IPC commands. */
function serve(app, counting, commands = {}) {
  const server = http.createServer(app);
  // Bursts reuse pre-opened keep-alive sockets; a small backlog or a short keep-alive would add connect noise.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0;
  const all = {
    cpu: () => process.cpuUsage(),
    sessionWrites: () => counting.writes(),
    resetSessionWrites: () => counting.resetWrites(),
    sessionCount: () => counting.count(),
    gc: () => {
      if (typeof global.gc !== "function") throw new Error("start this child with --expose-gc");
      for (let i = 0; i < 3; i++) global.gc();
      return process.memoryUsage();
    },
    exit: () => {
      server.closeAllConnections();
      server.close();
      setTimeout(() => process.exit(0), 20);
      return true;
    },
    ...commands,
  };
  answerIpc(all);
  server.listen(0, "127.0.0.1", 2048, () => process.send({ type: "ready", port: server.address().port }));
  return server;
}

function mockUrl() {
  const url = process.env.BENCH_MOCK_URL;
  if (!url) throw new Error("BENCH_MOCK_URL is not set (bench/run.mjs starts the local Pitchly first)");
  return url;
}

module.exports = { answerIpc, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, countingStore, ping, renderError, serve, mockUrl };
