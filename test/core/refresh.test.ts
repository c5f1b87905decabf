// requirePitchlyToken refreshes expired tokens transparently, once per grant, and never loses a refresh token.
import request from "supertest";
import { advanceClock, createHarness, signIn, storedGrant, type Harness } from "../helpers/app";

let h: Harness;
afterEach(() => {
  jest.restoreAllMocks();
  return h?.close();
});

const TWO_HOURS = 2 * 60 * 60 * 1000;

/** Asks the local Pitchly directly whether a refresh token is still redeemable (this redeems it). */
async function redeemable(refreshToken: string): Promise<boolean> {
  const res = await fetch(`${h.mock.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: "app-test",
      client_secret: "s3cret-test-client-secret",
    }).toString(),
  });
  return res.status === 200;
}

describe("transparent refresh", () => {
  it("refreshes an expired token with exactly one token call, then serves from the new one", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const before = storedGrant(h.store).tokens!;
    advanceClock(TWO_HOURS);
    await agent.get("/api/me").expect(200);
    await agent.get("/api/me").expect(200);
    expect(h.mock.stats.token.refresh_token).toBe(1);
    const after = storedGrant(h.store).tokens!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
  });

  it("refreshes within the leeway before expiry", async () => {
    h = await createHarness({ auth: { refreshLeewaySeconds: 120 } });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    advanceClock(TWO_HOURS - 100_000);
    await agent.get("/api/token").expect(200);
    expect(h.mock.stats.token.refresh_token).toBe(1);
  });

  it("shares one refresh among 50 concurrent requests and ends holding the newest refresh token", async () => {
    h = await createHarness();
    const server = h.listen();
    const agent = request.agent(server);
    await signIn(h, agent);
    advanceClock(TWO_HOURS);
    const set = jest.spyOn(h.store, "set");
    const results = await Promise.all(Array.from({ length: 50 }, () => agent.get("/api/me")));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(h.mock.stats.token.refresh_token).toBe(1);
    // Only the request that rotated writes the session; the 49 that waited on it change nothing.
    expect(set).toHaveBeenCalledTimes(1);
    const stored = storedGrant(h.store).tokens!;
    expect(await redeemable(stored.refreshToken!)).toBe(true);
  });

  it("never lets a slow request's end-of-request save write the old refresh token back", async () => {
    h = await createHarness();
    const server = h.listen();
    const agent = request.agent(server);
    await signIn(h, agent);
    const old = storedGrant(h.store).tokens!.refreshToken!;
    advanceClock(TWO_HOURS);
    // The slow request loads the session (old tokens) first, and saves it last.
    const slow = agent.post("/slow-counter?ms=300").then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await agent.get("/api/me").expect(200);
    expect((await slow).body).toEqual({ hits: 1 });
    const stored = storedGrant(h.store);
    expect(stored.tokens!.refreshToken).not.toBe(old);
    expect(await redeemable(stored.tokens!.refreshToken!)).toBe(true);
  });

  it("keeps the old refresh token when Pitchly's answer has none", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const old = storedGrant(h.store).tokens!.refreshToken;
    h.mock.setFaults({
      token: { body: JSON.stringify({ access_token: "pat_replacement", token_type: "bearer", expires_in: 7200 }), times: 1 },
    });
    advanceClock(TWO_HOURS);
    await agent.get("/api/token").expect(200);
    const stored = storedGrant(h.store).tokens!;
    expect(stored.accessToken).toBe("pat_replacement");
    expect(stored.refreshToken).toBe(old);
  });

  it("sends the user to login when Pitchly refuses the refresh token", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.revokeRefreshTokens();
    advanceClock(TWO_HOURS);
    await agent.get("/page").set("Accept", "text/html").expect(302).expect("Location", "/auth/pitchly/login?returnTo=%2Fpage");
    await agent.get("/api/me").expect(401, { error: "login_required" });
    // The dead pair is forgotten: no second call to Pitchly for it.
    expect(h.mock.stats.token.refresh_token).toBe(1);
  });

  it("lets a handler force a rotation with req.pitchly.refresh()", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const res = await agent.post("/api/refresh").expect(200);
    expect(res.body.changed).toBe(true);
    expect(h.mock.stats.token.refresh_token).toBe(1);
    await agent.get("/api/me").expect(200);
  });
});

describe("Pitchly trouble during refresh", () => {
  const faults = [
    ["a 500", { status: 500 }],
    ["a 503", { status: 503 }],
    ["a slow answer past the timeout", { latencyMs: 1500 }],
    ["malformed JSON", { malformed: true }],
    ["a dropped connection", { drop: true }],
    ["a 200 that is not a token set", { body: '{"access_token":42}' }],
    ["a 200 with expires_in: -1", { body: '{"access_token":"pat_x","expires_in":-1,"refresh_token":"prt_x"}' }],
  ] as const;

  it.each(faults)("answers 503 with Retry-After on %s, keeps the tokens, and recovers", async (_name, fault) => {
    h = await createHarness({ auth: { httpTimeoutMs: 500 } });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const before = storedGrant(h.store).tokens!;
    h.mock.setFaults({ token: fault });
    advanceClock(TWO_HOURS);
    const res = await agent.get("/api/me").expect(503);
    expect(res.body).toEqual({ error: "pitchly_unavailable" });
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(storedGrant(h.store).tokens).toEqual(before);
    h.mock.setFaults({});
    await agent.get("/api/me").expect(200);
    expect(storedGrant(h.store).tokens!.refreshToken).not.toBe(before.refreshToken);
  });
});
