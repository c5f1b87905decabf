// EncryptedTokenStore around PostgresTokenStore: the shared contracts, its lock passed through, key rotation on real rows.
import type pg from "pg";
import { pitchlyAuth } from "express-pitchly";
import { EncryptedTokenStore } from "../../src/stores/encrypted-token-store";
import { PostgresTokenStore } from "../../src/stores/postgres-token-store";
import { isRefreshLock } from "../../src/stores/token-store";
import { CLIENT_ID, CLIENT_SECRET, DATABASES_ANSWER, DATABASES_QUERY, ORG_VARIABLES, REDIRECT_URI } from "../helpers/app";
import { KEY_A, KEY_B, loginAndRefresh } from "../stores/encryption-fixtures";
import { describeRefreshLockContract, describeTokenStoreContract } from "../stores/token-store-contract";
import { startPostgresServer, testPool, type PostgresServer } from "./postgres-server";

let server: PostgresServer;
let pool: pg.Pool;
beforeAll(async () => {
  server = await startPostgresServer();
  pool = testPool(server.url);
});
afterAll(async () => {
  await server?.destroy();
  await pool?.end();
});

let tables = 0;
async function sealed() {
  const store = new EncryptedTokenStore(new PostgresTokenStore({ pool, table: `sealed_${++tables}` }), { keys: [KEY_A, KEY_B] });
  if (!isRefreshLock(store)) throw new Error("expected the Postgres lock to pass through");
  return { store, lock: store, cleanup: async () => {} };
}
describeTokenStoreContract("EncryptedTokenStore(PostgresTokenStore)", sealed);
describeRefreshLockContract("EncryptedTokenStore(PostgresTokenStore) as its lock", sealed);

const keyIdOf = async (table: string, grantKey: string) => {
  const row = (await pool.query(`SELECT tokens, refresh_token FROM ${table} WHERE grant_key = $1`, [grantKey])).rows[0] as {
    tokens: string;
    refresh_token: string;
  };
  return {
    sealedWith: (JSON.parse(row.tokens) as { accessToken: string }).accessToken.split(".")[1],
    macWith: row.refresh_token.split(".")[1],
  };
};

it("keys rotated: a job on the new keys reads the old-key row, and its refresh rewrites the row with the new key", async () => {
  const table = "rotation";
  const inner = new PostgresTokenStore({ pool, table });
  const { harness, grantKey } = await loginAndRefresh(new EncryptedTokenStore(inner, { keys: [KEY_A] }));
  expect(await keyIdOf(table, grantKey)).toEqual({ sealedWith: KEY_A.id, macWith: KEY_A.id });

  // The deploy after the rotation: KEY_B first, KEY_A kept for the rows it sealed.
  const rotated = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    baseUrl: harness.mock.url,
    tokenStore: new EncryptedTokenStore(inner, { keys: [KEY_B, KEY_A] }),
  });
  const job = rotated.clientFor(grantKey);
  await expect(job.graphql(DATABASES_QUERY, ORG_VARIABLES)).resolves.toEqual(DATABASES_ANSWER);
  expect(await keyIdOf(table, grantKey)).toEqual({ sealedWith: KEY_A.id, macWith: KEY_A.id });
  await job.refresh();
  expect(harness.mock.stats.token.refresh_token).toBe(2);
  expect(await keyIdOf(table, grantKey)).toEqual({ sealedWith: KEY_B.id, macWith: KEY_B.id });
  // Once every row is rewritten, KEY_A can go.
  const afterCleanup = new EncryptedTokenStore(inner, { keys: [KEY_B] });
  await expect(afterCleanup.get(grantKey)).resolves.toMatchObject({ refreshToken: expect.stringMatching(/^prt_/) });
  await harness.close();
});
