// onLogin links a grant to the app's user; clientFor(grantKey) then calls Pitchly with nobody signed in.
import request from "supertest";
import { MemoryTokenStore, type TokenStore } from "express-pitchly";
import {
  DATABASES_ANSWER,
  DATABASES_QUERY,
  ORG_VARIABLES,
  advanceClock,
  createHarness,
  signIn,
  type Harness,
} from "../helpers/app";

let h: Harness;
afterEach(() => {
  jest.restoreAllMocks();
  return h?.close();
});

async function signedInGrant(tokenStore: TokenStore) {
  const linked: string[] = [];
  h = await createHarness({
    auth: {
      tokenStore,
      onLogin: ({ req, grantKey }) => {
        expect(req.method).toBe("GET");
        linked.push(grantKey);
      },
    },
  });
  const agent = request.agent(h.app);
  await signIn(h, agent);
  expect(linked).toHaveLength(1);
  return { agent, grantKey: linked[0]! };
}

describe("background jobs", () => {
  it("keeps only the grantKey in the session when a tokenStore is set", async () => {
    const tokenStore = new MemoryTokenStore();
    const { grantKey } = await signedInGrant(tokenStore);
    const sessions = Object.values((h.store as unknown as { sessions: Record<string, string> }).sessions);
    expect(sessions.join("")).toContain(grantKey);
    const stored = await tokenStore.get(grantKey);
    expect(stored?.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.join("")).not.toContain(stored!.accessToken);
    expect(sessions.join("")).not.toContain(stored!.refreshToken!);
  });

  it("calls GraphQL as the user while they are offline, refreshing when needed", async () => {
    const tokenStore = new MemoryTokenStore();
    const { grantKey: liveKey } = await signedInGrant(tokenStore);
    const job = h.auth.clientFor(liveKey);
    expect(await job.graphql(DATABASES_QUERY, ORG_VARIABLES)).toEqual(DATABASES_ANSWER);
    advanceClock(2 * 60 * 60 * 1000);
    const token = await job.getAccessToken();
    expect(h.mock.stats.token.refresh_token).toBe(1);
    expect((await tokenStore.get(liveKey))?.accessToken).toBe(token);
    expect(await job.graphql(DATABASES_QUERY, ORG_VARIABLES)).toEqual(DATABASES_ANSWER);
    expect(h.mock.stats.token.refresh_token).toBe(1);
  });

  it("shares the rotation with signed-in requests of the same grant", async () => {
    const tokenStore = new MemoryTokenStore();
    const { agent, grantKey } = await signedInGrant(tokenStore);
    await h.auth.clientFor(grantKey).refresh();
    expect(h.mock.stats.token.refresh_token).toBe(1);
    await agent.get("/api/me").expect(200);
    expect(h.mock.stats.token.refresh_token).toBe(1);
  });

  it("logout removes the grant from the store", async () => {
    const tokenStore = new MemoryTokenStore();
    const { agent, grantKey } = await signedInGrant(tokenStore);
    await agent.post("/auth/pitchly/logout").expect(302);
    expect(await tokenStore.get(grantKey)).toBeUndefined();
    await expect(h.auth.clientFor(grantKey).graphql(DATABASES_QUERY, ORG_VARIABLES)).rejects.toMatchObject({
      code: "login_required",
    });
  });

  it("answers 503, not 500, when the store fails, and deletes nothing", async () => {
    const inner = new MemoryTokenStore();
    let down = false;
    const flaky: TokenStore = {
      get: (k) => (down ? Promise.reject(new Error("ECONNREFUSED")) : inner.get(k)),
      set: (k, t) => inner.set(k, t),
      compareAndSet: (k, e, n) => (down ? Promise.reject(new Error("ECONNREFUSED")) : inner.compareAndSet(k, e, n)),
      delete: (k) => inner.delete(k),
    };
    const { agent, grantKey } = await signedInGrant(flaky);
    const before = await inner.get(grantKey);
    down = true;
    const res = await agent.get("/api/me").expect(503);
    expect(res.body).toEqual({ error: "pitchly_unavailable" });
    down = false;
    expect(await inner.get(grantKey)).toEqual(before);
    await agent.get("/api/me").expect(200);
  });
});
