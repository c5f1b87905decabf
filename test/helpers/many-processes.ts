// The multi-process scenarios every shared backend must pass: 3 app processes, one refresh per grant, a dead lock holder.
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import type { TokenStore } from "../../src/stores/token-store";
import { startAppProcess, type AppProcess, type AppProcessConfig } from "./app-processes";
import { sleep } from "./services";

export const CLIENT = {
  clientId: "multi",
  clientSecret: "multi-secret",
  redirectUri: "http://127.0.0.1:1/auth/pitchly/callback",
};
const LOCK_TTL_MS = 3000;

export interface Deployment {
  /** What each app process is started with (minus the local Pitchly's URL and the lease). */
  config: Omit<AppProcessConfig, "pitchlyUrl" | "lockTtlMs" | keyof typeof CLIENT>;
  /** The same grants as the processes see them, to expire them and check rotations. */
  store: TokenStore;
}

type Scenario = "storm" | "sessions" | "takeover";

export interface ManyProcesses {
  mock: MockPitchly;
  apps: AppProcess[];
  signIn(): Promise<{ cookie: string; grantKey: string }>;
}

export function describeManyProcesses(
  name: string,
  deploy: () => Promise<Deployment>,
  scenarios: readonly Scenario[] = ["storm", "sessions", "takeover"],
  more?: (env: () => ManyProcesses & Deployment) => void,
): void {
  describe(name, () => {
    let deployment: Deployment;
    let mock: MockPitchly;
    let apps: AppProcess[] = [];
    const config = (): AppProcessConfig => ({ ...CLIENT, ...deployment.config, pitchlyUrl: mock.url, lockTtlMs: LOCK_TTL_MS });
    const base = (app: AppProcess) => `http://127.0.0.1:${app.port}`;

    beforeAll(async () => {
      deployment = await deploy();
      mock = await startMockPitchly({ clients: [{ ...CLIENT, redirectUris: [CLIENT.redirectUri] }] });
      apps = await Promise.all([1, 2, 3].map(() => startAppProcess(config())));
    }, 60_000);
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.kill("SIGKILL")));
      await mock?.close();
    });

    /** Logs in through one process and finishes on another: sessions live in the shared backend. */
    async function signIn(): Promise<{ cookie: string; grantKey: string }> {
      const login = await fetch(`${base(apps[0]!)}/auth/pitchly/login`, { redirect: "manual" });
      const first = login.headers.getSetCookie()[0]!.split(";")[0]!;
      const back = new URL(await mock.approve(login.headers.get("location")!));
      const callback = await fetch(`${base(apps[1]!)}${back.pathname}${back.search}`, {
        redirect: "manual",
        headers: { cookie: first },
      });
      expect(callback.status).toBe(302);
      const cookie = callback.headers.getSetCookie()[0]!.split(";")[0]!;
      const grant = await fetch(`${base(apps[2]!)}/grant`, { headers: { cookie } });
      expect(grant.status).toBe(200);
      return { cookie, grantKey: ((await grant.json()) as { grantKey: string }).grantKey };
    }

    async function expire(grantKey: string): Promise<void> {
      const tokens = (await deployment.store.get(grantKey))!;
      await deployment.store.set(grantKey, { ...tokens, expiresAt: Date.now() - 1000 });
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

    if (scenarios.includes("storm")) {
      it("300 concurrent requests over 3 processes on an expired session → exactly one refresh", async () => {
        const session = await signIn();
        const before = (await deployment.store.get(session.grantKey))!;
        await expire(session.grantKey);
        mock.resetStats();
        const statuses = await storm([session], 300);
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        expect(mock.stats.token.refresh_token).toBe(1);
        const after = (await deployment.store.get(session.grantKey))!;
        expect(after.refreshToken).not.toBe(before.refreshToken);
        // The stored pair is the live one: the next rotation succeeds from it.
        await expire(session.grantKey);
        expect(await storm([session], 3)).toEqual([200, 200, 200]);
        expect(mock.stats.token.refresh_token).toBe(2);
      });
    }

    if (scenarios.includes("sessions")) {
      it("20 sessions at once → exactly 20 refresh calls", async () => {
        const sessions = [];
        for (let i = 0; i < 20; i++) sessions.push(await signIn());
        for (const s of sessions) await expire(s.grantKey);
        mock.resetStats();
        const statuses = await storm(sessions, 300);
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        expect(mock.stats.token.refresh_token).toBe(20);
      });
    }

    if (scenarios.includes("takeover")) {
      it("a lock holder killed mid-refresh: another process takes over once its lease expires", async () => {
        const victim = await startAppProcess(config());
        const session = await signIn();
        await expire(session.grantKey);
        mock.resetStats();
        mock.setFaults({ token: { latencyMs: 2500, times: 1 } });
        const doomed = fetch(`${base(victim)}/api/me`, { headers: { cookie: session.cookie } }).catch(() => "killed");
        while (mock.stats.token.refresh_token === 0) await sleep(20);
        const leased = Date.now();
        await victim.kill("SIGKILL");
        expect(await doomed).toBe("killed");
        const statuses = await storm([session], 30);
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        // Taken over once the lease ran out, not after some longer timeout.
        expect(Date.now() - leased).toBeLessThan(LOCK_TTL_MS + 2000);
        // The victim's call was abandoned before Pitchly redeemed it; exactly one more refresh did the job.
        expect(mock.stats.token.refresh_token).toBe(2);
      });
    }

    more?.(() => ({ ...deployment, mock, apps, signIn }));
  });
}
