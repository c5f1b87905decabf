// Three app processes behind one Redis: Pitchly's 429 Retry-After holds back every process, then the grant recovers.
import { createClient } from "redis";
import { RedisTokenStore } from "express-pitchly";
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { startRedisServer, type RedisServer } from "./redis-server";
import { startAppProcess, type AppProcess } from "./processes";

const CLIENT = { clientId: "backoff", clientSecret: "backoff-secret", redirectUri: "http://127.0.0.1:1/auth/pitchly/callback" };

let redis: RedisServer;
let mock: MockPitchly;
let apps: AppProcess[] = [];
let client: ReturnType<typeof createClient>;
let store: RedisTokenStore;

beforeAll(async () => {
  redis = await startRedisServer();
  mock = await startMockPitchly({ clients: [{ ...CLIENT, redirectUris: [CLIENT.redirectUri] }] });
  client = createClient({ url: redis.url });
  await client.connect();
  store = new RedisTokenStore({ client });
  const config = { ...CLIENT, redisUrl: redis.url, pitchlyUrl: mock.url, lockTtlMs: 3000 };
  apps = await Promise.all([1, 2, 3].map(() => startAppProcess(config)));
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.kill("SIGKILL")));
  await client?.quit();
  await mock?.close();
  await redis?.stop();
});

const base = (app: AppProcess) => `http://127.0.0.1:${app.port}`;

async function signIn(): Promise<{ cookie: string; grantKey: string }> {
  const login = await fetch(`${base(apps[0]!)}/auth/pitchly/login`, { redirect: "manual" });
  const first = login.headers.getSetCookie()[0]!.split(";")[0]!;
  const back = new URL(await mock.approve(login.headers.get("location")!));
  const callback = await fetch(`${base(apps[1]!)}${back.pathname}${back.search}`, { redirect: "manual", headers: { cookie: first } });
  expect(callback.status).toBe(302);
  const cookie = callback.headers.getSetCookie()[0]!.split(";")[0]!;
  const grant = await fetch(`${base(apps[2]!)}/grant`, { headers: { cookie } });
  return { cookie, grantKey: ((await grant.json()) as { grantKey: string }).grantKey };
}

async function storm(cookie: string, total: number): Promise<Array<{ status: number; retryAfter: string | null }>> {
  return Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const res = await fetch(`${base(apps[i % apps.length]!)}/api/me`, { headers: { cookie, accept: "application/json" } });
      await res.arrayBuffer();
      return { status: res.status, retryAfter: res.headers.get("retry-after") };
    }),
  );
}

it("429 Retry-After 7 on refresh, 50 requests over 3 processes: one token call, all 503, none until it passes, then recovery", async () => {
  const { cookie, grantKey } = await signIn();
  const before = (await store.get(grantKey))!;
  await store.set(grantKey, { ...before, expiresAt: Date.now() - 1000 });
  const calls = mock.stats.token.refresh_token;
  mock.setFaults({ token: { retryAfter: 7, latencyMs: 400, times: 1 } });

  const first = await storm(cookie, 50);
  expect(first.map((r) => r.status)).toEqual(Array(50).fill(503));
  // The process Pitchly answered echoes its 7 s; the others see the shared marker (remaining time unknown: 5 s).
  const delays = first.map((r) => Number(r.retryAfter));
  expect(delays.every((d) => d >= 1 && d <= 7)).toBe(true);
  expect(delays).toContain(7);
  expect(mock.stats.token.refresh_token - calls).toBe(1);

  const during = await storm(cookie, 9);
  expect(during.map((r) => r.status)).toEqual(Array(9).fill(503));
  expect(mock.stats.token.refresh_token - calls).toBe(1);

  await new Promise((resolve) => setTimeout(resolve, 7500));
  const after = await storm(cookie, 9);
  expect(after.map((r) => r.status)).toEqual(Array(9).fill(200));
  expect(mock.stats.token.refresh_token - calls).toBe(2);
  const now = (await store.get(grantKey))!;
  expect(now.refreshToken).not.toBe(before.refreshToken);
});
