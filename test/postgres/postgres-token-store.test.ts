// PostgresTokenStore against a real PostgreSQL server: the shared contracts, schema on first use, row cleanup, outages.
import pg from "pg";
import { configIssues, missingDriverIssues } from "../stores/config-issues";
import { PostgresTokenStore } from "../../src/stores/postgres-token-store";
import { rotated as tokens } from "../../src/testing/token-store-contract";
import { sleep } from "../helpers/services";
import {
  CORRUPT_ROWS,
  describeLockingStoreContract,
  describeRefreshLockContract,
  describeTokenStoreContract,
} from "../stores/token-store-contract";
import { INSTALL_HINT, startPostgresServer, testPool, type PostgresServer } from "./postgres-server";

let serverPromise: Promise<PostgresServer> | undefined;
const server = () => (serverPromise ??= startPostgresServer());
afterAll(async () => {
  await (await serverPromise)?.destroy();
  await Promise.all(pools.map((pool) => pool.end()));
});

const pools: pg.Pool[] = [];
async function newPool(): Promise<pg.Pool> {
  const pool = testPool((await server()).url, { connectionTimeoutMillis: 2000, query_timeout: 5000 });
  pools.push(pool);
  return pool;
}

let tables = 0;
const freshTable = () => `t_${process.pid}_${++tables}`;

async function onPool() {
  const store = new PostgresTokenStore({ pool: await newPool(), table: freshTable() });
  return { store, lock: store, cleanup: async () => {} };
}
describeTokenStoreContract("PostgresTokenStore({ pool })", onPool);
describeRefreshLockContract("PostgresTokenStore({ pool })", onPool);
describeLockingStoreContract("PostgresTokenStore({ pool })", onPool);
describeTokenStoreContract("PostgresTokenStore({ connectionString, table: schema.table })", async () => {
  const admin = await newPool();
  await admin.query("CREATE SCHEMA IF NOT EXISTS app");
  const store = new PostgresTokenStore({ connectionString: (await server()).url, table: `app.${freshTable()}` });
  return { store, cleanup: async () => store.close() };
});

const rowsOf = async (pool: pg.Pool, table: string) =>
  (
    await pool.query(
      `SELECT grant_key, tokens IS NOT NULL AS has_tokens, lease_token IS NOT NULL AS leased FROM ${table} ORDER BY grant_key`,
    )
  ).rows;

describe("PostgresTokenStore schema", () => {
  test("ten processes' worth of stores racing on first use create the table once and all work", async () => {
    const table = freshTable();
    const stores = await Promise.all(
      Array.from({ length: 10 }, async () => new PostgresTokenStore({ pool: await newPool(), table })),
    );
    await Promise.all(stores.map((store, i) => store.set(`g${i}`, tokens(i))));
    await Promise.all(
      stores.map(async (store, i) => expect(await store.get(`g${(i + 1) % 10}`)).toStrictEqual(tokens((i + 1) % 10))),
    );
    const pool = await newPool();
    const columns = await pool.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    expect(columns.rows).toEqual([
      { column_name: "grant_key", data_type: "text" },
      { column_name: "tokens", data_type: "text" },
      { column_name: "refresh_token", data_type: "text" },
      { column_name: "lease_token", data_type: "text" },
      { column_name: "lease_until", data_type: "timestamp with time zone" },
      { column_name: "updated_at", data_type: "timestamp with time zone" },
    ]);
  });

  test("the database down at the first call: that call rejects, the next one creates the schema", async () => {
    const store = new PostgresTokenStore({ connectionString: "postgres://postgres@127.0.0.1:1/postgres", table: freshTable() });
    await expect(store.get("g")).rejects.toThrow(/ECONNREFUSED/);
    await store.close();
    const pool = await newPool();
    const table = freshTable();
    const failing = {
      query: jest
        .fn()
        .mockRejectedValueOnce(new Error("connection terminated"))
        .mockImplementation((text: string, values?: unknown[]) => pool.query(text, values)),
    };
    const flaky = new PostgresTokenStore({ pool: failing, table });
    await expect(flaky.get("g")).rejects.toThrow("connection terminated");
    await flaky.set("g", tokens(1));
    await expect(flaky.get("g")).resolves.toStrictEqual(tokens(1));
  });
});

describe("PostgresTokenStore rows", () => {
  test("two pools (two processes' worth) share grants and leases", async () => {
    const table = freshTable();
    const a = new PostgresTokenStore({ pool: await newPool(), table });
    const b = new PostgresTokenStore({ pool: await newPool(), table });
    await a.set("g", tokens(1));
    await expect(b.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
    await expect(a.compareAndSet("g", "rt-1", tokens(3))).resolves.toBe(false);
    await expect(a.get("g")).resolves.toStrictEqual(tokens(2));
    const held = await a.acquire("refresh:g", 10_000);
    await expect(b.acquire("refresh:g", 10_000)).resolves.toBeUndefined();
    await a.release(held!);
    await expect(b.acquire("refresh:g", 10_000)).resolves.toBeDefined();
  });

  test("an ended grant leaves no row behind, nor does a released lease or one whose holder died", async () => {
    const pool = await newPool();
    const table = freshTable();
    const store = new PostgresTokenStore({ pool, table });
    await store.set("g", tokens(1));
    const lease = await store.acquire("refresh:g", 10_000);
    expect(await rowsOf(pool, table)).toEqual([
      { grant_key: "g", has_tokens: true, leased: false },
      { grant_key: "refresh:g", has_tokens: false, leased: true },
    ]);
    await store.release(lease!);
    expect(await rowsOf(pool, table)).toEqual([{ grant_key: "g", has_tokens: true, leased: false }]);
    // A process killed mid-refresh never releases; its expired lease goes with the next ended grant.
    await store.acquire("refresh:g", 50);
    await sleep(100);
    await store.delete("g");
    expect(await rowsOf(pool, table)).toEqual([]);
  });

  test.each(CORRUPT_ROWS)(
    "a row with %s rejects with a clear error that quotes nothing",
    async (_label, json, refreshToken, message) => {
      const pool = await newPool();
      const table = freshTable();
      const store = new PostgresTokenStore({ pool, table });
      await store.set("g", tokens(1));
      await pool.query(`UPDATE ${table} SET tokens = $1, refresh_token = $2`, [json, refreshToken]);
      const error = await store.get("g").then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(error?.message).toMatch(/^PostgresTokenStore: the stored token set is corrupt/);
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toMatch(/not json|at-1/);
    },
  );
});

describe("PostgresTokenStore with the database down", () => {
  test("stopped: every call rejects promptly; restarted: the same data is there", async () => {
    const pg15 = await server();
    const pool = await newPool();
    const store = new PostgresTokenStore({ pool, table: freshTable() });
    await store.set("g", tokens(1));
    await pg15.stop();
    const started = Date.now();
    for (const call of [
      store.get("g"),
      store.set("g", tokens(2)),
      store.compareAndSet("g", "rt-1", tokens(2)),
      store.delete("g"),
      store.acquire("k", 1000),
    ]) {
      await expect(call).rejects.toThrow();
    }
    expect(Date.now() - started).toBeLessThan(5000);
    await pg15.restart();
    await expect(store.get("g")).resolves.toStrictEqual(tokens(1));
    await expect(store.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
  });
});

describe("PostgresTokenStore configuration", () => {
  const issuesOf = configIssues;

  test("names the missing, conflicting or unusable field", async () => {
    const pool = await newPool();
    expect(issuesOf(() => new PostgresTokenStore({}))[0]).toMatch(/`pool`.*`connectionString`/);
    expect(issuesOf(() => new PostgresTokenStore(undefined as never))[0]).toMatch(/`pool`/);
    expect(issuesOf(() => new PostgresTokenStore({ pool, connectionString: "postgres://x" }))[0]).toMatch(
      /either `pool` or `connectionString`/,
    );
    expect(issuesOf(() => new PostgresTokenStore({ pool: {} as never }))[0]).toMatch(/`pool` must be a node-postgres Pool/);
    expect(issuesOf(() => new PostgresTokenStore({ connectionString: " " }))[0]).toMatch(/`connectionString`/);
    expect(issuesOf(() => new PostgresTokenStore({ pool, ttlMs: 0 }))[0]).toMatch(/`ttlMs` must be a positive number/);
    expect(new PostgresTokenStore({ pool, ttlMs: 4000 }).ttlMs).toBe(4000);
    for (const table of ['tokens"; DROP TABLE x; --', "a.b.c", "", "1abc", "x".repeat(64)]) {
      expect(issuesOf(() => new PostgresTokenStore({ pool, table }))[0]).toMatch(/`table`/);
    }
  });

  test("without pg installed, a connectionString says how to install it", () => {
    const build = () => {
      const { PostgresTokenStore: Isolated } =
        require("../../src/stores/postgres-token-store") as typeof import("../../src/stores/postgres-token-store");
      return new Isolated({ connectionString: "postgres://127.0.0.1/x" });
    };
    expect(missingDriverIssues("pg", build)).toEqual(["PostgresTokenStore: pg is not installed: run npm install pg@8"]);
  });

  test("acquire rejects a nonsense ttl instead of taking a lease forever", async () => {
    const store = new PostgresTokenStore({ pool: await newPool(), table: freshTable() });
    await expect(store.acquire("k", 0)).rejects.toThrow(RangeError);
    await expect(store.acquire("k", Number.NaN)).rejects.toThrow(RangeError);
  });
});

test("without the server binaries, the helper says how to install them", async () => {
  const path = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    await expect(startPostgresServer({ root: "/nonexistent" })).rejects.toThrow(INSTALL_HINT);
    expect(INSTALL_HINT).toMatch(/apt-get install -y postgresql/);
  } finally {
    process.env.PATH = path;
  }
});

// Compile-time only: node-postgres's Pool and Client both fit the structural pool type.
export function typeChecks(): void {
  new PostgresTokenStore({ pool: new pg.Pool() });
  new PostgresTokenStore({ pool: new pg.Client(), table: "app.tokens" });
}
