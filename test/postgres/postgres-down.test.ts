// Postgres stopped mid-flight: requests needing the token store answer 503, nothing is deleted, the same grant works after.
import type pg from "pg";
import request from "supertest";
import { PostgresTokenStore } from "express-pitchly";
import { DATABASES_ANSWER, createHarness, signIn, type Harness } from "../helpers/app";
import { startPostgresServer, testPool, type PostgresServer } from "./postgres-server";

let server: PostgresServer;
let pool: pg.Pool;
let harness: Harness;

beforeAll(async () => {
  server = await startPostgresServer();
  // The settings the README recommends: fail fast while the database is away, survive dropped idle connections.
  pool = testPool(server.url, { connectionTimeoutMillis: 1000, query_timeout: 3000 });
});
afterAll(async () => {
  await harness?.close();
  await server?.destroy();
  await pool?.end();
});

it("answers 503 while Postgres is down and recovers with the same grant afterwards", async () => {
  const tokenStore = new PostgresTokenStore({ pool });
  harness = await createHarness({ auth: { tokenStore } });
  const agent = request.agent(harness.app);
  expect((await signIn(harness, agent)).status).toBe(302);
  const { grantKey } = (await agent.get("/api/token").expect(200)).body as { grantKey: string };
  const original = (await tokenStore.get(grantKey))!;

  await server.stop();
  const down = await agent.get("/api/me").set("Accept", "application/json").expect(503);
  expect(down.body).toEqual({ error: "pitchly_unavailable" });
  expect(down.headers["retry-after"]).toBeDefined();

  await server.restart();
  expect(await tokenStore.get(grantKey)).toEqual(original);
  await agent.get("/api/me").expect(200, DATABASES_ANSWER);
  await tokenStore.set(grantKey, { ...original, expiresAt: Date.now() - 1000 });

  // Expired while Postgres is down: the lease cannot be taken, so nothing is redeemed or deleted.
  await server.stop();
  harness.mock.resetStats();
  await agent.get("/api/me").set("Accept", "application/json").expect(503);
  expect(harness.mock.stats.token.refresh_token).toBe(0);
  await server.restart();
  expect((await tokenStore.get(grantKey))!.refreshToken).toBe(original.refreshToken);

  await agent.get("/api/me").expect(200);
  expect(harness.mock.stats.token.refresh_token).toBe(1);
  expect((await tokenStore.get(grantKey))!.refreshToken).not.toBe(original.refreshToken);
});
