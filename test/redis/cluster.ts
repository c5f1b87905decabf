// Test fixture: one Redis, one local Pitchly and three app processes, and a browser signing in across them.
import { createClient } from "redis";
import { RedisTokenStore } from "express-pitchly";
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { startRedisServer, type RedisServer } from "./redis-server";
import { startAppProcess, type AppProcess } from "./processes";

export interface ClusterClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface Cluster {
  redis: RedisServer;
  mock: MockPitchly;
  client: ReturnType<typeof createClient>;
  store: RedisTokenStore;
  apps: AppProcess[];
  /** What an app process needs to join this cluster. */
  config(lockTtlMs: number): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startCluster(app: ClusterClient, lockTtlMs = 3000, processes = 3): Promise<Cluster> {
  const redis = await startRedisServer();
  const mock = await startMockPitchly({ clients: [{ ...app, redirectUris: [app.redirectUri] }] });
  const client = createClient({ url: redis.url });
  await client.connect();
  const config = (ttl: number) => ({ ...app, redisUrl: redis.url, pitchlyUrl: mock.url, lockTtlMs: ttl });
  const apps = await Promise.all(Array.from({ length: processes }, () => startAppProcess(config(lockTtlMs))));
  return {
    redis,
    mock,
    client,
    store: new RedisTokenStore({ client }),
    apps,
    config,
    async stop() {
      await Promise.all(apps.map((p) => p.kill("SIGKILL")));
      await client.quit();
      await mock.close();
      await redis.stop();
    },
  };
}

export const base = (app: AppProcess) => `http://127.0.0.1:${app.port}`;

/** Logs in through the first process, finishes on the second, reads the grant on the third: sessions live in Redis. */
export async function signInAcross(cluster: Cluster): Promise<{ cookie: string; grantKey: string }> {
  const [first, second, third] = [cluster.apps[0]!, cluster.apps[1 % cluster.apps.length]!, cluster.apps[2 % cluster.apps.length]!];
  const login = await fetch(`${base(first)}/auth/pitchly/login`, { redirect: "manual" });
  const loginCookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  const back = new URL(await cluster.mock.approve(login.headers.get("location")!));
  const callback = await fetch(`${base(second)}${back.pathname}${back.search}`, { redirect: "manual", headers: { cookie: loginCookie } });
  expect(callback.status).toBe(302);
  const cookie = callback.headers.getSetCookie()[0]!.split(";")[0]!;
  const grant = await fetch(`${base(third)}/grant`, { headers: { cookie } });
  expect(grant.status).toBe(200);
  return { cookie, grantKey: ((await grant.json()) as { grantKey: string }).grantKey };
}
