// Refresh storm: 1,000 concurrent requests on one just-expired session (and 100 sessions × 10), Pitchly token endpoint at 50 ms.
import { burst, burstAgent, warmSockets } from "./load.mjs";
import { Browser, loginMany, sessionIdOf } from "./browser.mjs";
import { median, round } from "./stats.mjs";
import { cpuMicros } from "./procs.mjs";

const TOKEN_LATENCY = { token: { latencyMs: 50 } };

/** Counts the refreshes and session writes one burst causes. */
async function measured(server, mock, fire) {
  await server.rpc("resetSessionWrites");
  const before = await mock.rpc("stats");
  const cpu0 = await cpuMicros(server);
  const result = await fire();
  const cpu1 = await cpuMicros(server);
  const after = await mock.rpc("stats");
  return {
    ...result,
    serverCpuMs: (cpu1 - cpu0) / 1000,
    refreshCalls: after.token.refresh_token - before.token.refresh_token,
    sessionWrites: await server.rpc("sessionWrites"),
  };
}

export async function refreshStorm(
  server,
  mock,
  { rounds = 3, size = 1000, sessions = 100, perSession = 10, log = console.log } = {},
) {
  const cookie = await new Browser(server.origin).login();
  const sid = sessionIdOf(cookie);
  const agent = burstAgent(size);
  try {
    await warmSockets(agent, server.origin, size);
    // A first floor burst only warms the JIT for this path.
    await burst(agent, server.origin, "/api/ping", [cookie], size);

    const floors = [];
    const storms = [];
    for (let i = 0; i < rounds; i++) {
      await mock.rpc("setFaults", TOKEN_LATENCY);
      const floor = await measured(server, mock, () => burst(agent, server.origin, "/api/ping", [cookie], size));
      // The token "just expired": rewritten into the past through the session store.
      await server.rpc("expire", { sids: [sid] });
      const storm = await measured(server, mock, () => burst(agent, server.origin, "/api/ping", [cookie], size));
      await mock.rpc("setFaults", {});
      floors.push(floor);
      storms.push(storm);
      log(
        `  round ${i + 1}: floor p99 ${round(floor.p99Ms, 1)} ms (CPU ${round(floor.serverCpuMs, 0)} ms) | ` +
          `storm p99 ${round(storm.p99Ms, 1)} ms (CPU ${round(storm.serverCpuMs, 0)} ms), ` +
          `${storm.refreshCalls} refresh call(s), ${storm.failed} failed, ${storm.sessionWrites} session writes`,
      );
    }

    // 100 sessions × 10 concurrent requests each, all expired at once.
    const cookies = await loginMany(server.origin, sessions, 10);
    await server.rpc("expire", { sids: cookies.map(sessionIdOf) });
    await mock.rpc("setFaults", TOKEN_LATENCY);
    const multi = await measured(server, mock, () => burst(agent, server.origin, "/api/ping", cookies, sessions * perSession));
    await mock.rpc("setFaults", {});
    log(
      `  ${sessions} sessions × ${perSession}: ${multi.refreshCalls} refresh calls, ${multi.failed} failed, p99 ${round(multi.p99Ms, 1)} ms`,
    );

    return {
      refreshCalls: Math.max(...storms.map((s) => s.refreshCalls)),
      failed: storms.reduce((n, s) => n + s.failed, 0),
      p99Ms: round(median(storms.map((s) => s.p99Ms)), 1),
      floorP99Ms: round(median(floors.map((s) => s.p99Ms)), 1),
      sessionWrites: Math.max(...storms.map((s) => s.sessionWrites)),
      multiSession: {
        sessions,
        concurrentPerSession: perSession,
        refreshCalls: multi.refreshCalls,
        failed: multi.failed,
        p99Ms: round(multi.p99Ms, 1),
      },
      rounds: { floors, storms },
    };
  } finally {
    agent.destroy();
  }
}
