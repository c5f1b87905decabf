// checkReadiness(): reaches the token endpoint without spending a grant, reads the token store, never rejects.
import request from "supertest";
import { MemoryTokenStore, type TokenStore } from "express-pitchly";
import { advanceClock, createHarness, signIn, type Harness } from "../helpers/app";

let h: Harness;
afterEach(() => {
  jest.restoreAllMocks();
  return h?.close();
});

it("is ready against a healthy Pitchly and store, and spends nothing: the signed-in grant still refreshes", async () => {
  h = await createHarness({ auth: { tokenStore: new MemoryTokenStore() } });
  const agent = request.agent(h.app);
  await signIn(h, agent);
  const exchanges = h.mock.stats.token.authorization_code;
  const report = await h.auth.checkReadiness();
  expect(report).toEqual({
    ready: true,
    tokenEndpoint: { ok: true, status: expect.any(Number), latencyMs: expect.any(Number) },
    tokenStore: { ok: true, configured: true, latencyMs: expect.any(Number) },
  });
  expect(report.tokenEndpoint.status).toBeGreaterThanOrEqual(400);
  expect(report.tokenEndpoint.status).toBeLessThan(500);
  expect(h.mock.stats.token.refresh_token).toBe(0);
  expect(h.mock.stats.token.authorization_code).toBe(exchanges);
  advanceClock(2 * 60 * 60 * 1000);
  await agent.get("/api/me").expect(200);
});

it("shares one probe among concurrent checks", async () => {
  h = await createHarness();
  const before = h.mock.stats.token.errors;
  const reports = await Promise.all(Array.from({ length: 5 }, () => h.auth.checkReadiness()));
  expect(reports.every((r) => r.ready)).toBe(true);
  expect(h.mock.stats.token.errors - before).toBe(1);
  expect(reports[0]!.tokenStore).toEqual({ ok: true, configured: false, latencyMs: 0 });
});

it("is not ready when Pitchly is overloaded (with its Retry-After) or gone", async () => {
  h = await createHarness();
  h.mock.setFaults({ token: { retryAfter: 30, times: 1 } });
  expect((await h.auth.checkReadiness()).tokenEndpoint).toEqual({
    ok: false,
    status: 429,
    reason: "overloaded",
    retryAfter: 30,
    latencyMs: expect.any(Number),
  });
  h.mock.setFaults({ token: { status: 502, times: 1 } });
  expect((await h.auth.checkReadiness()).tokenEndpoint).toMatchObject({ ok: false, status: 502, reason: "overloaded" });
  h.mock.setFaults({ token: { drop: true, times: 1 } });
  expect(await h.auth.checkReadiness()).toMatchObject({ ready: false, tokenEndpoint: { ok: false, reason: "network" } });
});

it("is not ready when the token store fails, naming only the error's class", async () => {
  const store = new MemoryTokenStore();
  const broken: TokenStore = {
    get: () => Promise.reject(new TypeError("connection to redis://user:hunter2@cache failed")),
    set: (k, t) => store.set(k, t),
    compareAndSet: (k, e, t) => store.compareAndSet(k, e, t),
    delete: (k) => store.delete(k),
  };
  h = await createHarness({ auth: { tokenStore: broken } });
  const report = await h.auth.checkReadiness();
  expect(report.ready).toBe(false);
  expect(report.tokenEndpoint.ok).toBe(true);
  expect(report.tokenStore).toEqual({ ok: false, configured: true, error: "TypeError", latencyMs: expect.any(Number) });
  expect(JSON.stringify(report)).not.toContain("hunter2");
});
