// Lease row vs advisory lock for PostgresTokenStore's refresh lock, timed on a throwaway cluster: npx tsx test/postgres/measure-locks.ts
import { PostgresTokenStore } from "../../src/stores/postgres-token-store";
import { startPostgresServer, testPool } from "./postgres-server";

const ROUNDS = 2000;
const perOp = (ms: number) => `${((ms * 1000) / ROUNDS).toFixed(0)} µs`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const server = await startPostgresServer();
  // The stalled advisory holders' connections die with the cluster: testPool ignores that.
  const pool = testPool(server.url, { max: 10, connectionTimeoutMillis: 3000 });
  const store = new PostgresTokenStore({ pool });
  await store.get("warm-up");
  try {
    // 1. One process, uncontended: what each refresh pays for its lock.
    const lease = await time(async () => {
      for (let i = 0; i < ROUNDS; i++) await store.release((await store.acquire(`refresh:g${i % 50}`, 10_000))!);
    });
    const advisory = await time(async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const client = await pool.connect();
        await client.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", [`refresh:g${i % 50}`]);
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [`refresh:g${i % 50}`]);
        client.release();
      }
    });
    process.stdout.write(`acquire + release, sequential: lease row ${perOp(lease)}, advisory lock ${perOp(advisory)}\n`);

    // 2. Twenty grants refreshing at once on a pool of 10: each holder must write its result while it holds the lock.
    const refresh = async (hold: (key: string, write: () => Promise<unknown>) => Promise<void>) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => hold(`refresh:s${i}`, () => pool.query("SELECT pg_sleep(0.02)"))));
    const leaseStorm = await time(() =>
      refresh(async (key, write) => {
        const handle = (await store.acquire(key, 10_000))!;
        await write();
        await store.release(handle);
      }),
    );
    const advisoryStorm = await time(() =>
      refresh(async (key, write) => {
        const client = await pool.connect();
        await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [key]);
        try {
          await write();
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]);
          client.release();
        }
      }),
    ).then(
      (ms) => `${ms.toFixed(0)} ms`,
      (err: Error) => `failed: ${err.message} (every pool connection was pinned by a lock holder waiting for one)`,
    );
    process.stdout.write(
      `20 refreshes at once, pool of 10: lease row ${leaseStorm.toFixed(0)} ms, advisory lock ${advisoryStorm}\n`,
    );
  } finally {
    await server.destroy();
    await pool.end().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
