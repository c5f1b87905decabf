// Issue 10 points 1, 2, 3 and 10: no write of the app's session store brings back a rotated-away token,
// an ended grant or a renewed-away session id — wherever the router is mounted, whatever the store's touch does.
import session from "express-session";
import request from "supertest";
import { advanceClock } from "../helpers/app";
import { agentCookie, agentSessionId, approvedLogin, signInThrough, type Agent } from "../helpers/flows";
import { MOUNTS, mountedApp, useLocalPitchly, type Mount, type Mounted } from "../helpers/mounts";
import { FileSessionStore, loadSession, sessionIds, tempSessionDir } from "../helpers/session-stores";
import { MemoryTokenStoreForTests } from "../security/helpers/map-token-store";

const TWO_HOURS = 2 * 60 * 60 * 1000;
type StoreKind = "MemoryStore" | "a touch-writing file store";
const STORES: readonly StoreKind[] = ["MemoryStore", "a touch-writing file store"];

const local = useLocalPitchly();
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A store of the kind, and how to open it again after a restart (the same sessions, a new object where it can be). */
function openStore(kind: StoreKind): { store: session.Store; reopen(): session.Store } {
  if (kind === "MemoryStore") {
    const store = new session.MemoryStore();
    return { store, reopen: () => store };
  }
  const { dir, cleanup } = tempSessionDir();
  cleanups.push(cleanup);
  return { store: new FileSessionStore(dir), reopen: () => new FileSessionStore(dir) };
}

function serve(m: Mounted): Agent {
  return request.agent(m.listen());
}

async function refreshTokenIn(store: session.Store, sid: string): Promise<string | undefined> {
  const stored = await loadSession(store, sid);
  return (stored?.pitchly as { tokens?: { refreshToken?: string } } | undefined)?.tokens?.refreshToken;
}

describe.each(MOUNTS)("router mounted at %s", (mount: Mount) => {
  describe.each(STORES)("sessions in %s", (kind) => {
    it("a slow request that changes the session does not write a rotated-away refresh token back, even across a restart (point 1)", async () => {
      const { store, reopen } = openStore(kind);
      const m = mountedApp(mount, local.mock, store);
      const agent = serve(m);
      expect((await signInThrough(local.mock, agent, m.paths.login)).status).toBe(302);
      const sid = agentSessionId(agent)!;
      const loaded = await refreshTokenIn(store, sid);
      advanceClock(TWO_HOURS);
      const { entered, release } = m.gate.arm();
      const slow = agent.post(m.paths.write).then((r) => r);
      await entered;
      await agent.get(m.paths.token).expect(200);
      const rotated = await refreshTokenIn(store, sid);
      expect(rotated).not.toBe(loaded);
      release();
      expect((await slow).status).toBe(200);
      expect(await refreshTokenIn(store, sid)).toBe(rotated);
      // Another process (or this one restarted) reads the store and refreshes with what it finds.
      const again = serve(mountedApp(mount, local.mock, reopen()));
      advanceClock(2 * TWO_HOURS);
      await again.get(m.paths.token).set("Cookie", agentCookie(agent)).expect(200);
    });

    it("a slow request that only reads the session (touch) does not roll a rotation back (point 2)", async () => {
      const { store } = openStore(kind);
      const m = mountedApp(mount, local.mock, store);
      const agent = serve(m);
      await signInThrough(local.mock, agent, m.paths.login);
      const sid = agentSessionId(agent)!;
      advanceClock(TWO_HOURS);
      const { entered, release } = m.gate.arm();
      const slow = agent.get(m.paths.read).then((r) => r);
      await entered;
      await agent.get(m.paths.token).expect(200);
      const rotated = await refreshTokenIn(store, sid);
      release();
      expect((await slow).status).toBe(200);
      expect(await refreshTokenIn(store, sid)).toBe(rotated);
      advanceClock(2 * TWO_HOURS);
      await agent.get(m.paths.token).expect(200);
    });

    it("a request racing logout cannot write the old session id back, with or without tokens (point 10)", async () => {
      const { store, reopen } = openStore(kind);
      const m = mountedApp(mount, local.mock, store);
      const agent = serve(m);
      await signInThrough(local.mock, agent, m.paths.login);
      const sid = agentSessionId(agent)!;
      const oldCookie = agentCookie(agent);
      const { entered, release } = m.gate.arm();
      const slow = agent.post(m.paths.write).then((r) => r);
      await entered;
      await agent.post(m.paths.logout).expect(302);
      release();
      expect((await slow).status).toBe(200);
      expect(sessionIds(store)).not.toContain(sid);
      const restarted = serve(mountedApp(mount, local.mock, reopen()));
      await restarted.get(m.paths.token).set("Cookie", oldCookie).set("Accept", "application/json").expect(401);
    });

    it("signing in again ends the previous grant, and a request still holding the old session cannot revive it (point 3)", async () => {
      const { store } = openStore(kind);
      const tokenStore = new MemoryTokenStoreForTests();
      const m = mountedApp(mount, local.mock, store, { tokenStore });
      const server = m.listen();
      const agent = request.agent(server);
      await signInThrough(local.mock, agent, m.paths.login);
      const first = (await agent.get(m.paths.token).expect(200)).body.grantKey as string;
      const sid = agentSessionId(agent)!;
      const oldCookie = agentCookie(agent);
      const { entered, release } = m.gate.arm();
      const slow = agent.post(m.paths.write).then((r) => r);
      await entered;
      expect((await signInThrough(local.mock, agent, m.paths.login)).status).toBe(302);
      release();
      expect((await slow).status).toBe(200);
      await expect(tokenStore.get(first)).resolves.toBeUndefined();
      expect(sessionIds(store)).not.toContain(sid);
      await request(server).get(m.paths.token).set("Cookie", oldCookie).set("Accept", "application/json").expect(401);
      const second = (await agent.get(m.paths.token).expect(200)).body.grantKey as string;
      expect(second).not.toBe(first);
    });

    it("two tabs signing in at once from one session leave exactly one grant (point 3)", async () => {
      const { store } = openStore(kind);
      const tokenStore = new MemoryTokenStoreForTests();
      const m = mountedApp(mount, local.mock, store, { tokenStore });
      const server = m.listen();
      const agent = request.agent(server);
      const tabA = await approvedLogin(local.mock, agent, m.paths.login);
      const tabB = await approvedLogin(local.mock, agent, m.paths.login);
      const cookie = agentCookie(agent);
      const results = await Promise.all([tabA, tabB].map((tab) => request(server).get(tab.callbackPath).set("Cookie", cookie)));
      expect(results.filter((r) => r.status === 302).length).toBeGreaterThanOrEqual(1);
      const live = [];
      for (const sid of sessionIds(store)) {
        const stored = await loadSession(store, sid);
        if (stored?.pitchly) live.push((stored.pitchly as { grantKey: string }).grantKey);
      }
      expect(live).toHaveLength(1);
      expect([...tokenStore.rows.keys()]).toEqual(live);
    });
  });
});
