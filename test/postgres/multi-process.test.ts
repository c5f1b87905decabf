// Three app processes sharing one Postgres database and no Redis: one refresh per grant, in clear and sealed.
import { readFileSync } from "node:fs";
import pg from "pg";
import { EncryptedTokenStore, PostgresTokenStore } from "express-pitchly";
import { describeManyProcesses } from "../helpers/many-processes";
import { leaked } from "../stores/encryption-fixtures";
import { dumpDatabase, startPostgresServer, testPool, type PostgresServer } from "./postgres-server";

const KEYS = [{ id: "2026-12", key: Buffer.alloc(32, 7).toString("base64") }];
let server: PostgresServer | undefined;
const pools: pg.Pool[] = [];
afterAll(async () => {
  await server?.destroy();
  await Promise.all(pools.map((pool) => pool.end()));
});

/** A database of its own with connect-pg-simple's session table, so each deployment's dump is its own. */
async function database(name: string): Promise<{ url: string; pool: pg.Pool }> {
  server ??= await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  const pool = testPool(url);
  pools.push(pool);
  await pool.query(readFileSync(require.resolve("connect-pg-simple/table.sql"), "utf8"));
  return { url, pool };
}

/** Signs in, then makes the grant's processes refresh it once. */
async function signInAndRefresh(env: {
  signIn(): Promise<{ cookie: string; grantKey: string }>;
  store: { get: PostgresTokenStore["get"]; set: PostgresTokenStore["set"] };
  apps: Array<{ port: number }>;
}) {
  const session = await env.signIn();
  const tokens = (await env.store.get(session.grantKey))!;
  await env.store.set(session.grantKey, { ...tokens, expiresAt: Date.now() - 1000 });
  const res = await fetch(`http://127.0.0.1:${env.apps[0]!.port}/api/me`, { headers: { cookie: session.cookie } });
  expect(res.status).toBe(200);
  expect((await env.store.get(session.grantKey))!.refreshToken).not.toBe(tokens.refreshToken);
}

describeManyProcesses(
  "3 processes, one Postgres database, no Redis",
  async () => {
    const { url, pool } = await database("plain");
    return { config: { backend: "postgres", url }, store: new PostgresTokenStore({ pool }) };
  },
  ["storm", "sessions", "takeover"],
  (env) => {
    it("(control) without encryption, a dump of the database shows the tokens", async () => {
      await signInAndRefresh(env());
      expect(leaked(dumpDatabase(server!, "plain"), env().mock.issuedSecrets())).not.toEqual([]);
    });
  },
);

describeManyProcesses(
  "3 processes, one Postgres database, behind EncryptedTokenStore",
  async () => {
    const { url, pool } = await database("sealed");
    return {
      config: { backend: "postgres", url, keys: KEYS },
      store: new EncryptedTokenStore(new PostgresTokenStore({ pool }), { keys: KEYS }),
    };
  },
  ["storm"],
  (env) => {
    it("after a login and a refresh, a dump of the whole database holds no token", async () => {
      await signInAndRefresh(env());
      const dump = dumpDatabase(server!, "sealed");
      expect(dump).toMatch(/v1\.2026-12\./);
      expect(leaked(dump, env().mock.issuedSecrets())).toEqual([]);
    });
  },
);
