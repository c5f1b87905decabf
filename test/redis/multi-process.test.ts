// Three app processes behind one Redis: a refresh storm redeems each single-use refresh token exactly once.
import type { RedisTokenStore } from "express-pitchly";
import type { MockPitchly } from "express-pitchly/testing";
import { base, signInAcross, startCluster, type Cluster } from "./cluster";
import { startAppProcess, type AppProcess } from "./processes";

const CLIENT = { clientId: "multi", clientSecret: "multi-secret", redirectUri: "http://127.0.0.1:1/auth/pitchly/callback" };

let cluster: Cluster;
let mock: MockPitchly;
let apps: AppProcess[] = [];
let store: RedisTokenStore;

const config = (lockTtlMs: number) => cluster.config(lockTtlMs);

beforeAll(async () => {
  cluster = await startCluster(CLIENT, 3000);
  ({ mock, apps, store } = cluster);
}, 60_000);

afterAll(() => cluster?.stop());

const signIn = () => signInAcross(cluster);

async function expire(grantKey: string): Promise<void> {
  const tokens = (await store.get(grantKey))!;
  await store.set(grantKey, { ...tokens, expiresAt: Date.now() - 1000 });
}

async function storm(sessions: Array<{ cookie: string }>, total: number, targets = apps): Promise<number[]> {
  return Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const res = await fetch(`${base(targets[i % targets.length]!)}/api/me`, {
        headers: { cookie: sessions[i % sessions.length]!.cookie, accept: "application/json" },
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
}

describe("many processes, one Redis", () => {
  it("300 concurrent requests over 3 processes on an expired session → exactly one refresh", async () => {
    const session = await signIn();
    const before = (await store.get(session.grantKey))!;
    await expire(session.grantKey);
    mock.resetStats();
    const statuses = await storm([session], 300);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(mock.stats.token.refresh_token).toBe(1);
    const after = (await store.get(session.grantKey))!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // The stored pair is the live one: the next rotation succeeds from it.
    await expire(session.grantKey);
    expect(await storm([session], 3)).toEqual([200, 200, 200]);
    expect(mock.stats.token.refresh_token).toBe(2);
  });

  it("20 sessions at once → exactly 20 refresh calls", async () => {
    const sessions = [];
    for (let i = 0; i < 20; i++) sessions.push(await signIn());
    for (const s of sessions) await expire(s.grantKey);
    mock.resetStats();
    const statuses = await storm(sessions, 300);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(mock.stats.token.refresh_token).toBe(20);
  });

  it("a lock holder killed mid-refresh: the others take over once its lock expires", async () => {
    const victim = await startAppProcess({ ...config(3000) });
    const session = await signIn();
    await expire(session.grantKey);
    mock.resetStats();
    mock.setFaults({ token: { latencyMs: 2500, times: 1 } });
    const doomed = fetch(`${base(victim)}/api/me`, { headers: { cookie: session.cookie } }).catch(() => "killed");
    while (mock.stats.token.refresh_token === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await victim.kill("SIGKILL");
    expect(await doomed).toBe("killed");
    const statuses = await storm([session], 30);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // The victim's call was abandoned before Pitchly redeemed it; exactly one more refresh did the job.
    expect(mock.stats.token.refresh_token).toBe(2);
  });
});
