// Redis stopped mid-flight: requests needing the token store answer 503, nothing is deleted, all recovers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import session from "express-session";
import request from "supertest";
import { createClient } from "redis";
import { pitchlyAuth, RedisLock, RedisTokenStore } from "express-pitchly";
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { startRedisServer, type RedisServer } from "./redis-server";
import { signInThrough } from "../helpers/flows";

const CLIENT = { clientId: "down", clientSecret: "down-secret", redirectUri: "http://127.0.0.1:1/auth/pitchly/callback" };
let dir: string;
let redis: RedisServer;
let mock: MockPitchly;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "pitchly-redis-"));
  redis = await startRedisServer({ persistDir: dir });
  mock = await startMockPitchly({ clients: [{ ...CLIENT, redirectUris: [CLIENT.redirectUri] }] });
  // The settings the README recommends: fail fast while Redis is away, reconnect when it is back.
  client = createClient({
    url: redis.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
  });
  client.on("error", () => undefined);
  await client.connect();
});

afterAll(async () => {
  await client?.quit().catch(() => undefined);
  await mock?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function waitForRedis(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await client.ping().then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("redis client did not reconnect");
}

it("answers 503 while Redis is down and recovers with the same grant afterwards", async () => {
  const tokenStore = new RedisTokenStore({ client });
  const auth = pitchlyAuth({ ...CLIENT, baseUrl: mock.url, tokenStore, lock: new RedisLock({ client }) });
  const app = express();
  app.use(session({ secret: "s", resave: false, saveUninitialized: false }));
  app.use(auth.router);
  app.get("/api/me", auth.requirePitchlyToken(), async (req, res) => {
    res.json(
      await req.pitchly.graphql(
        "query Dbs($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }",
        { org: "orgPitchlyDemoCo0001" },
      ),
    );
  });
  app.get("/grant", auth.requirePitchlyToken(), (req, res) => res.json({ grantKey: req.pitchly.grantKey }));
  const agent = request.agent(app);

  expect((await signInThrough(mock, agent)).status).toBe(302);
  const { grantKey } = (await agent.get("/grant").expect(200)).body as { grantKey: string };
  const original = (await tokenStore.get(grantKey))!;

  await redis.stop();
  const down = await agent.get("/api/me").set("Accept", "application/json").expect(503);
  expect(down.body).toEqual({ error: "pitchly_unavailable" });
  expect(down.headers["retry-after"]).toBeDefined();

  await redis.restart();
  await waitForRedis();
  expect(await tokenStore.get(grantKey)).toEqual(original);
  await tokenStore.set(grantKey, { ...original, expiresAt: Date.now() - 1000 });

  // Expired while Redis is down: the lock cannot be taken, so nothing is redeemed or deleted.
  await redis.stop();
  mock.resetStats();
  await agent.get("/api/me").expect(503);
  expect(mock.stats.token.refresh_token).toBe(0);
  await redis.restart();
  await waitForRedis();

  const me = await agent.get("/api/me").expect(200);
  expect(me.body).toEqual({ databases: [{ name: "Deals" }, { name: "Contacts" }] });
  expect(mock.stats.token.refresh_token).toBe(1);
  expect((await tokenStore.get(grantKey))!.refreshToken).not.toBe(original.refreshToken);
});
