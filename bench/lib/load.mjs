// Load generators: autocannon (programmatic) for sustained load, and a burst of N truly concurrent requests.
import http from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { percentile } from "./stats.mjs";

/** Sustained load on one URL; `amount` (fixed request count) takes precedence over `duration`. */
export async function cannon({ url, cookie, duration = 5, connections = 50, amount }) {
  const opts = { url, connections, headers: cookie ? { cookie } : {}, ...(amount ? { amount } : { duration }) };
  const r = await autocannon(opts);
  const answered = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
  return {
    // Every answer over the whole run (autocannon's requests.average only counts whole seconds).
    rps: answered / r.duration,
    p99: r.latency.p99,
    total: answered,
    ok2xx: r["2xx"],
    ok3xx: r["3xx"],
    bad: r["4xx"] + r["5xx"] + r.errors + r.timeouts,
    duration: r.duration,
  };
}

/**
 * Keep-alive sockets opened ahead of a burst, so a burst measures the server, not 1,000 TCP
 * handshakes against the listen backlog.
 */
export function burstAgent(size) {
  return new http.Agent({ keepAlive: true, maxSockets: size, maxFreeSockets: size, timeout: 60_000, scheduling: "fifo" });
}

function one(agent, origin, path, cookie) {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request(`${origin}${path}`, { agent, headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - start }));
    });
    req.on("error", (err) => resolve({ status: 0, ms: performance.now() - start, error: err.message }));
    req.end();
  });
}

/** Opens `size` sockets to `origin` (answered by /healthz, no session involved). */
export async function warmSockets(agent, origin, size) {
  const results = await Promise.all(Array.from({ length: size }, () => one(agent, origin, "/healthz")));
  const open = Object.values(agent.freeSockets).reduce((n, list) => n + list.length, 0);
  if (results.some((r) => r.status !== 200)) throw new Error("socket warm-up failed");
  return open;
}

/** Fires every request at once; `cookies[i % cookies.length]` for request i. */
export async function burst(agent, origin, path, cookies, count) {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => one(agent, origin, path, cookies[i % cookies.length])),
  );
  const latencies = results.map((r) => r.ms);
  return {
    count,
    failed: results.filter((r) => r.status !== 200).length,
    statuses: [...new Set(results.map((r) => r.status))],
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
}
