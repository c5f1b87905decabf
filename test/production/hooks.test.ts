// onRefresh / onRefreshFailed / onLogout: once per event, never a token, and a failing hook never fails a request.
import request from "supertest";
import {
  MemoryTokenStore,
  PITCHLY_WARNINGS,
  pitchlyAuth,
  type OnRefreshContext,
  type OnRefreshFailedContext,
} from "express-pitchly";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DATABASES_QUERY,
  ORG_VARIABLES,
  REDIRECT_URI,
  advanceClock,
  createHarness,
  signIn,
  storedGrant,
  type Harness,
} from "../helpers/app";
import { counterValue, installOtel } from "./otel-setup";
import { capturedLogger } from "./log-sink";

const otel = installOtel();
let h: Harness;
afterEach(() => {
  jest.restoreAllMocks();
  otel.reset();
  return h?.close();
});

const TWO_HOURS = 2 * 60 * 60 * 1000;

describe("onRefresh", () => {
  it("fires once with coalesced 199 when 200 concurrent requests share one refresh: one span, counter +1", async () => {
    const refreshed: OnRefreshContext[] = [];
    h = await createHarness({ auth: { onRefresh: (ctx) => void refreshed.push(ctx) } });
    const agent = request.agent(h.listen());
    await signIn(h, agent).then((res) => expect(res.status).toBe(302));
    await otel.collect();
    const doneBefore = counterValue(otel, "pitchly.refresh.done");
    const coalescedBefore = counterValue(otel, "pitchly.refresh.coalesced");
    advanceClock(TWO_HOURS);
    // Slow enough that all 200 are waiting on the flight before it lands.
    h.mock.setFaults({ token: { latencyMs: 1500, times: 1 } });
    const results = await Promise.all(Array.from({ length: 200 }, () => agent.get("/api/token")));
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(h.mock.stats.token.refresh_token).toBe(1);
    expect(refreshed).toHaveLength(1);
    const ctx = refreshed[0]!;
    expect(ctx).toEqual({ grantKey: storedGrant(h.store).grantKey, expiresAt: expect.any(Number), coalesced: 199 });
    expect(ctx.expiresAt).toBe(results[0]!.body.expiresAt);
    expect(otel.spans().filter((s) => s.name === "pitchly.token.refresh")).toHaveLength(1);
    await otel.collect();
    expect(counterValue(otel, "pitchly.refresh.done") - doneBefore).toBe(1);
    expect(counterValue(otel, "pitchly.refresh.coalesced") - coalescedBefore).toBe(199);
  });

  it("is not fired for a request that only adopted a rotation, nor while the token is fresh", async () => {
    const refreshed: OnRefreshContext[] = [];
    h = await createHarness({ auth: { onRefresh: (ctx) => void refreshed.push(ctx) } });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    await agent.get("/api/token").expect(200);
    expect(refreshed).toHaveLength(0);
    advanceClock(TWO_HOURS);
    await agent.get("/api/token").expect(200);
    await agent.get("/api/token").expect(200);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]!.coalesced).toBe(0);
  });

  it("a throwing or rejecting onRefresh does not fail the request, and is logged with its stable code", async () => {
    const { logger, records } = capturedLogger();
    let calls = 0;
    h = await createHarness({
      auth: {
        logger,
        onRefresh: () => {
          calls++;
          if (calls === 1) throw new Error("audit log down");
          return Promise.reject(new Error("audit log still down"));
        },
      },
    });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    advanceClock(TWO_HOURS);
    await agent.get("/api/me").expect(200);
    advanceClock(2 * TWO_HOURS);
    await agent.get("/api/me").expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
    const failures = records().filter((r) => r.code === PITCHLY_WARNINGS.HOOK_FAILED);
    expect(failures.map((r) => r.hook)).toEqual(["onRefresh", "onRefresh"]);
  });

  it("fires for clientFor() (a background job) too", async () => {
    const refreshed: OnRefreshContext[] = [];
    let grantKey = "";
    h = await createHarness({
      auth: {
        tokenStore: new MemoryTokenStore(),
        onLogin: (ctx) => void (grantKey = ctx.grantKey),
        onRefresh: (ctx) => void refreshed.push(ctx),
      },
    });
    await signIn(h, request.agent(h.app));
    advanceClock(TWO_HOURS);
    const client = h.auth.clientFor(grantKey);
    await Promise.all([
      client.getAccessToken(),
      client.getAccessToken(),
      h.auth.clientFor(grantKey).graphql(DATABASES_QUERY, ORG_VARIABLES),
    ]);
    expect(refreshed).toEqual([{ grantKey, expiresAt: expect.any(Number), coalesced: 2 }]);
  });
});

describe("onRefreshFailed", () => {
  it("fires once, with its code, when Pitchly answers invalid_grant; the failure is counted by error.type", async () => {
    const failed: OnRefreshFailedContext[] = [];
    h = await createHarness({ auth: { onRefreshFailed: (ctx) => void failed.push(ctx) } });
    const agent = request.agent(h.listen());
    await signIn(h, agent);
    const { grantKey } = storedGrant(h.store);
    await otel.collect();
    const before = counterValue(otel, "pitchly.refresh.failed", { "error.type": "refresh_rejected" });
    h.mock.revokeRefreshTokens();
    advanceClock(TWO_HOURS);
    h.mock.setFaults({ token: { latencyMs: 300, times: 1 } });
    const results = await Promise.all(Array.from({ length: 10 }, () => agent.get("/api/me")));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect(failed).toEqual([{ grantKey, code: "refresh_rejected" }]);
    await otel.collect();
    expect(counterValue(otel, "pitchly.refresh.failed", { "error.type": "refresh_rejected" }) - before).toBe(1);
    const span = otel.spans().find((s) => s.name === "pitchly.token.refresh")!;
    expect(span.attributes["error.type"]).toBe("refresh_rejected");
    expect(span.attributes["http.response.status_code"]).toBe(400);
  });

  it("fires with pitchly_unavailable when Pitchly is down (the tokens are kept)", async () => {
    const failed: OnRefreshFailedContext[] = [];
    h = await createHarness({ auth: { onRefreshFailed: (ctx) => void failed.push(ctx) } });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.setFaults({ token: { status: 502 } });
    advanceClock(TWO_HOURS);
    await agent.get("/api/me").expect(503);
    expect(failed.map((f) => f.code)).toEqual(["pitchly_unavailable"]);
  });
});

describe("onLogout", () => {
  it("fires at logout, and when signing in again ends the old grant; a throwing one does not stop either", async () => {
    const ended: Array<{ grantKey: string; method: string }> = [];
    h = await createHarness({
      auth: {
        onLogout: ({ req, grantKey, ...rest }) => {
          expect(rest).toEqual({});
          ended.push({ grantKey, method: req.method });
          throw new Error("hook bug");
        },
      },
    });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const first = storedGrant(h.store).grantKey;
    await signIn(h, agent).then((res) => expect(res.status).toBe(302));
    const second = storedGrant(h.store).grantKey;
    expect(second).not.toBe(first);
    expect(ended).toEqual([{ grantKey: first, method: "GET" }]);
    await agent.post("/auth/pitchly/logout").expect(302);
    expect(ended).toEqual([
      { grantKey: first, method: "GET" },
      { grantKey: second, method: "POST" },
    ]);
    await agent.get("/api/token").expect(401);
  });

  it("is not fired by a logout with nobody signed in", async () => {
    const onLogout = jest.fn();
    h = await createHarness({ auth: { onLogout } });
    await request.agent(h.app).post("/auth/pitchly/logout").expect(302);
    expect(onLogout).not.toHaveBeenCalled();
  });
});

it("refuses a hook that is not a function, naming it", () => {
  const base = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
  expect(() => pitchlyAuth({ ...base, onRefresh: "yes" as never, onLogout: 1 as never })).toThrow(
    /onRefresh: must be a function[\s\S]*onLogout: must be a function|onLogout: must be a function[\s\S]*onRefresh: must be a function/,
  );
});
