// Three app processes behind one Redis: Pitchly's 429 Retry-After holds back every process, then the grant recovers.
import { createClient } from "redis";
import { RedisTokenStore } from "express-pitchly";
import { describeManyProcesses } from "../helpers/many-processes";
import { startRedisServer, type RedisServer } from "./redis-server";

let redis: RedisServer | undefined;
let client: ReturnType<typeof createClient> | undefined;
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

describeManyProcesses(
  "Retry-After across processes, one Redis",
  async () => {
    redis = await startRedisServer();
    client = createClient({ url: redis.url });
    await client.connect();
    return { config: { backend: "redis", url: redis.url }, store: new RedisTokenStore({ client }) };
  },
  [],
  (env) => {
    async function storm(cookie: string, total: number): Promise<Array<{ status: number; retryAfter: string | null }>> {
      const { apps } = env();
      return Promise.all(
        Array.from({ length: total }, async (_, i) => {
          const res = await fetch(`http://127.0.0.1:${apps[i % apps.length]!.port}/api/me`, {
            headers: { cookie, accept: "application/json" },
          });
          await res.arrayBuffer();
          return { status: res.status, retryAfter: res.headers.get("retry-after") };
        }),
      );
    }

    it("429 Retry-After 7 on refresh, 50 requests over 3 processes: one token call, all 503, none until it passes, then recovery", async () => {
      const { mock, store } = env();
      const { cookie, grantKey } = await env().signIn();
      const before = (await store.get(grantKey))!;
      await store.set(grantKey, { ...before, expiresAt: Date.now() - 1000 });
      const calls = mock.stats.token.refresh_token;
      mock.setFaults({ token: { retryAfter: 7, latencyMs: 400, times: 1 } });

      const first = await storm(cookie, 50);
      expect(first.map((r) => r.status)).toEqual(Array(50).fill(503));
      // The process Pitchly answered echoes its 7 s; the others read what is left of the shared marker (RedisLock's PTTL),
      // rounded up: 7 s while more than 6 s remain, never the 5 s default.
      const delays = first.map((r) => Number(r.retryAfter));
      expect(delays.filter((d) => d !== 7 && d !== 6)).toEqual([]);
      expect(delays).toContain(7);
      expect(mock.stats.token.refresh_token - calls).toBe(1);

      const during = await storm(cookie, 9);
      expect(during.map((r) => r.status)).toEqual(Array(9).fill(503));
      expect(mock.stats.token.refresh_token - calls).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, 7500));
      const after = await storm(cookie, 9);
      expect(after.map((r) => r.status)).toEqual(Array(9).fill(200));
      expect(mock.stats.token.refresh_token - calls).toBe(2);
      expect((await store.get(grantKey))!.refreshToken).not.toBe(before.refreshToken);
    }, 30_000);
  },
);
