// 429/503 with Retry-After: echoed to the client, no call for that grant until it passes, never a sign-out.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { MemoryTokenStore, SqliteTokenStore, isPitchlyAuthError, pitchlyAuth } from "express-pitchly";
import { parseRetryAfter } from "../../src/pitchly/unavailable";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DATABASES_ANSWER,
  DATABASES_QUERY,
  ORG_VARIABLES,
  REDIRECT_URI,
  advanceClock,
  createHarness,
  signIn,
  storedGrant,
  type Harness,
} from "../helpers/app";

let h: Harness;
const dirs: string[] = [];
afterEach(() => {
  jest.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  return h?.close();
});

const TWO_HOURS = 2 * 60 * 60 * 1000;

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    ["7", 7],
    [" 120 ", 120],
    ["0", 1],
    ["999999", 3600],
    ["Thu, 01 Jan 2026 00:00:30 GMT", 30],
    ["Wed, 31 Dec 2025 23:00:00 GMT", 1],
    ["Fri, 02 Jan 2026 00:00:00 GMT", 3600],
  ])("reads %j as %d seconds (clamped to 1…3600)", (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });

  it.each([undefined, "", "-5", "1.5", "soon", "12abc"])("ignores %j", (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe("a 429 with Retry-After on refresh", () => {
  it("50 concurrent requests: one token call, 50 × 503 Retry-After 7, no call until it passes, then recovery with the grant intact", async () => {
    h = await createHarness();
    const agent = request.agent(h.listen());
    await signIn(h, agent);
    const before = storedGrant(h.store);
    advanceClock(TWO_HOURS);
    h.mock.setFaults({ token: { retryAfter: 7, latencyMs: 300, times: 1 } });
    const results = await Promise.all(Array.from({ length: 50 }, () => agent.get("/api/me")));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(503));
    expect(results.map((r) => r.headers["retry-after"])).toEqual(Array(50).fill("7"));
    expect(results[0]!.body).toEqual({ error: "pitchly_unavailable" });
    expect(h.mock.stats.token.refresh_token).toBe(1);

    // Still inside the 7 s (advanceClock moves on from the already moved clock): answered at once, with what is left.
    advanceClock(3000);
    const during = await agent.get("/api/me").expect(503);
    expect(Number(during.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(during.headers["retry-after"])).toBeLessThanOrEqual(4);
    await agent.get("/page").set("accept", "text/html").expect(503);
    expect(h.mock.stats.token.refresh_token).toBe(1);
    expect(storedGrant(h.store)).toEqual(before);

    advanceClock(4500);
    await agent.get("/api/me").expect(200);
    expect(h.mock.stats.token.refresh_token).toBe(2);
    const after = storedGrant(h.store);
    expect(after.grantKey).toBe(before.grantKey);
    expect(after.tokens!.refreshToken).not.toBe(before.tokens!.refreshToken);
  });

  it("echoes a 503's Retry-After too, and falls back to 5 s when Pitchly gives none", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    advanceClock(TWO_HOURS);
    h.mock.setFaults({ token: { status: 503, retryAfter: 12, times: 1 } });
    expect((await agent.get("/api/me").expect(503)).headers["retry-after"]).toBe("12");
    advanceClock(13_000);
    h.mock.setFaults({ token: { status: 503, times: 1 } });
    expect((await agent.get("/api/me").expect(503)).headers["retry-after"]).toBe("5");
    // No Retry-After from Pitchly means no remembered delay: the next request tries again.
    await agent.get("/api/me").expect(200);
    expect(h.mock.stats.token.refresh_token).toBe(3);
  });

  it("holds back only that grant: another user's refresh goes ahead", async () => {
    h = await createHarness();
    const alice = request.agent(h.app);
    const bob = request.agent(h.app);
    await signIn(h, alice);
    await signIn(h, bob);
    advanceClock(TWO_HOURS);
    h.mock.setFaults({ token: { retryAfter: 60, times: 1 } });
    await alice.get("/api/me").expect(503);
    await bob.get("/api/me").expect(200);
    await alice.get("/api/me").expect(503);
    expect(h.mock.stats.token.refresh_token).toBe(2);
  });
});

describe("a 429 with Retry-After on GraphQL", () => {
  it("makes no further GraphQL call for that grant until it passes (clientFor)", async () => {
    let grantKey = "";
    h = await createHarness({ auth: { tokenStore: new MemoryTokenStore(), onLogin: (ctx) => void (grantKey = ctx.grantKey) } });
    await signIn(h, request.agent(h.app));
    const client = h.auth.clientFor(grantKey);
    h.mock.setFaults({ graphql: { retryAfter: 9, times: 1 } });
    const calls = h.mock.stats.graphql;
    const first = await client.graphql(DATABASES_QUERY, ORG_VARIABLES).catch((err: unknown) => err);
    expect(isPitchlyAuthError(first, "pitchly_unavailable") && first.retryAfter).toBe(9);
    const second = await client.graphql(DATABASES_QUERY, ORG_VARIABLES).catch((err: unknown) => err);
    expect(isPitchlyAuthError(second, "pitchly_unavailable")).toBe(true);
    expect(h.mock.stats.graphql).toBe(calls + 1);
    advanceClock(9500);
    await expect(client.graphql(DATABASES_QUERY, ORG_VARIABLES)).resolves.toEqual(DATABASES_ANSWER);
  });
});

describe("across processes sharing a lock", () => {
  it("a second instance on the same SQLite file makes no token call while the first's Retry-After runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pitchly-backoff-"));
    dirs.push(dir);
    const filename = join(dir, "tokens.db");
    let grantKey = "";
    const storeA = new SqliteTokenStore({ filename });
    const storeB = new SqliteTokenStore({ filename });
    h = await createHarness({ auth: { tokenStore: storeA, onLogin: (ctx) => void (grantKey = ctx.grantKey) } });
    const other = pitchlyAuth({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      baseUrl: h.mock.url,
      tokenStore: storeB,
    });
    await signIn(h, request.agent(h.app));
    advanceClock(TWO_HOURS);
    h.mock.setFaults({ token: { retryAfter: 7, times: 1 } });
    await expect(h.auth.clientFor(grantKey).getAccessToken()).rejects.toMatchObject({
      code: "pitchly_unavailable",
      retryAfter: 7,
    });
    await expect(other.clientFor(grantKey).getAccessToken()).rejects.toMatchObject({ code: "pitchly_unavailable" });
    expect(h.mock.stats.token.refresh_token).toBe(1);
    advanceClock(7500);
    await expect(other.clientFor(grantKey).getAccessToken()).resolves.toEqual(expect.any(String));
    expect(h.mock.stats.token.refresh_token).toBe(2);
    storeA.close();
    storeB.close();
  });
});
