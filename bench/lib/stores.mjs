// Token stores: hot path and refresh storm with the grant in Redis / Postgres (each also under EncryptedTokenStore), one run.
import { hotPath } from "./hot-path.mjs";
import { refreshStorm } from "./refresh-storm.mjs";
import { INSTALL_HINT, servicesMissing, startPostgres, startRedis } from "./services.mjs";

export const STORES = ["redis", "redis-encrypted", "postgres", "postgres-encrypted"];

/**
 * Starts redis-server and a throwaway Postgres cluster, one express-pitchly child per store
 * (`start(name, opts)` from run.mjs, so its finally stops them), the hot path rotated across the
 * four children, then a refresh storm on each. Returns { skipped } when a binary is missing.
 */
export async function tokenStores(start, mock, { hot, storm, log = console.log }) {
  const missing = servicesMissing();
  if (missing) {
    log(`  skipped: ${INSTALL_HINT} (missing: ${missing.join(", ")})`);
    return { skipped: `missing ${missing.join(", ")}: ${INSTALL_HINT}` };
  }
  const services = [];
  try {
    const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    services.push(redis, postgres);
    const servers = {};
    for (const store of STORES) {
      const env = {
        BENCH_MOCK_URL: mock.url,
        BENCH_STORE: store,
        BENCH_REDIS_URL: redis.url,
        BENCH_POSTGRES_URL: postgres.url,
      };
      servers[store] = await start("pitchly", { env, label: `pitchly-${store}` });
    }
    const hp = await hotPath(servers, { ...hot, log });
    const result = {};
    for (const store of STORES) {
      log(`  ${store}: refresh storm`);
      const s = await refreshStorm(servers[store], mock, { ...storm, log });
      result[store] = { hotPath: hp.summary[store], storm: s };
      await servers[store].stop();
    }
    return { stores: result, perRound: hp.perRound };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
}

/** results.json `stores`: e.g. stores.redis.hotPath.reqPerSec, stores.postgres.storm.refreshCalls. */
export function storesJson(r) {
  if (!r || r.skipped) return r ? { skipped: r.skipped } : undefined;
  return Object.fromEntries(
    Object.entries(r.stores).map(([name, { hotPath: h, storm: s }]) => [
      name,
      {
        hotPath: { reqPerSec: h.rps, p99Ms: h.p99, cpuUsPerReq: h.cpuUsPerReq },
        storm: {
          refreshCalls: s.refreshCalls,
          failed: s.failed,
          p99Ms: s.p99Ms,
          floorP99Ms: s.floorP99Ms,
          multiSessionRefreshCalls: s.multiSession.refreshCalls,
          multiSessionFailed: s.multiSession.failed,
          multiSessionP99Ms: s.multiSession.p99Ms,
        },
      },
    ]),
  );
}

/** One line per store, for the console. */
export function storesSummary(j) {
  if (!j || j.skipped) return `  → skipped`;
  return Object.entries(j)
    .map(
      ([n, x]) =>
        `  → ${n}: ${x.hotPath.reqPerSec} req/s p99 ${x.hotPath.p99Ms} ms ${x.hotPath.cpuUsPerReq} µs/req | storm ` +
        `${x.storm.refreshCalls} refresh call(s), ${x.storm.failed} failed, p99 ${x.storm.p99Ms} ms (floor ${x.storm.floorP99Ms} ms); ` +
        `${x.storm.multiSessionRefreshCalls} calls for 100 sessions`,
    )
    .join("\n");
}
