// Threat: login CSRF and state abuse (RFC 6749 §10.12, RFC 9700 §2.1 and §4.7): the callback only
// completes a login this very session started, once, within 10 minutes, whatever the attacker replays or plants.
import { storedSessions } from "../helpers/app";
import { pendingLogins, secureHarness, sidOf, useSecureHarnesses } from "./helpers/harness";

useSecureHarnesses();

function parts(path: string): { state: string; code: string; base: string } {
  const url = new URL(path, "http://x");
  return { state: url.searchParams.get("state")!, code: url.searchParams.get("code")!, base: url.pathname };
}

function callbackWith(path: string, state: string): string {
  const { code, base } = parts(path);
  return `${base}?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`;
}

/** Jumps this process's clock (ours and the local Pitchly's) forward; afterEach restores it. */
function clockForward(ms: number): void {
  const base = Date.now();
  jest.spyOn(Date, "now").mockImplementation(() => base + ms);
}

describe("state: missing or wrong", () => {
  it("rejects a callback without state and leaves the session's real login usable", async () => {
    const sh = await secureHarness();
    const victim = sh.agent();
    const real = await sh.approvedCallback(victim);
    const { code, base } = parts(real);
    expect((await victim.get(`${base}?code=${code}`).expect(400)).body.error).toBe("state_missing");
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    await victim.get(real).expect(302);
    expect(sh.mock.stats.token.authorization_code).toBe(1);
  });

  it("rejects near misses of the real state without consuming it", async () => {
    const sh = await secureHarness();
    const victim = sh.agent();
    const real = await sh.approvedCallback(victim);
    const { state } = parts(real);
    const flipped = `${state.slice(0, -1)}${state.endsWith("A") ? "B" : "A"}`;
    const nearMisses = [
      flipped,
      state.slice(0, -1),
      `${state}A`,
      state.toUpperCase(),
      `${state} `,
      ` ${state}`,
      `${state}\u0000`,
    ];
    for (const wrong of nearMisses) {
      const res = await victim.get(callbackWith(real, wrong)).expect(400);
      expect(res.body.error).toBe("state_mismatch");
    }
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    await victim.get(real).expect(302);
  });

  it("creates no session for a forged callback visited by a cookie-less victim", async () => {
    const sh = await secureHarness();
    const attacker = sh.agent();
    const forged = await sh.approvedCallback(attacker);
    const before = Object.keys(storedSessions(sh.store)).length;
    const res = await sh.agent().get(forged).expect(400);
    expect(res.body.error).toBe("state_mismatch");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(Object.keys(storedSessions(sh.store))).toHaveLength(before);
  });
});

describe("state: single use", () => {
  it("lets only one of two simultaneous callbacks with the same state through", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    const results = await Promise.all([agent.get(path).then((r) => r), agent.get(path).then((r) => r)]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 400]);
    // One redemption only: a second one would make Pitchly revoke the grant (RFC 6749 §4.1.2).
    expect(sh.mock.stats.token.authorization_code).toBe(1);
    await agent.get("/api/me").expect(200);
  });

  it("refuses a callback URL replayed from history after logout", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    await agent.get(path).expect(302);
    await agent.post("/auth/pitchly/logout").expect(302);
    expect((await agent.get(path).expect(400)).body.error).toBe("state_mismatch");
    await agent.get("/api/me").expect(401);
    expect(sh.mock.stats.token.authorization_code).toBe(1);
  });
});

describe("state: expiry", () => {
  it("accepts a state just inside 10 minutes", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    clockForward(9 * 60 * 1000 + 50 * 1000);
    await agent.get(path).expect(302);
  });

  it("rejects an expired state and consumes it, so it stays dead when the clock is back", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    clockForward(10 * 60 * 1000 + 1000);
    expect((await agent.get(path).expect(400)).body.error).toBe("state_expired");
    jest.restoreAllMocks();
    expect((await agent.get(path).expect(400)).body.error).toBe("state_mismatch");
    expect(sh.mock.stats.token.authorization_code).toBe(0);
  });
});

describe("state: bound to the session that asked", () => {
  it("refuses another session's state, and the victim's own login still works afterwards", async () => {
    const sh = await secureHarness();
    const attacker = sh.agent();
    const victim = sh.agent();
    const victims = await sh.approvedCallback(victim);
    const attackers = await sh.approvedCallback(attacker);
    expect((await victim.get(attackers).expect(400)).body.error).toBe("state_mismatch");
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    await victim.get(victims).expect(302);
    const me = await victim.get("/api/me").expect(200);
    expect(me.body.databases[0].name).toBe("Deals");
  });

  it("ignores an attacker's state planted in the victim's jar as a cookie of its own", async () => {
    const sh = await secureHarness();
    const attacker = sh.agent();
    const victim = sh.agent();
    await victim.post("/counter").expect(200);
    const planted = await sh.approvedCallback(attacker);
    const { state } = parts(planted);
    for (const name of ["state", "pitchly_state", "oauth_state", "pitchlyLogins"]) {
      victim.jar.setCookie(`${name}=${encodeURIComponent(state)}; Path=/`, "127.0.0.1", "/");
    }
    expect((await victim.get(planted).expect(400)).body.error).toBe("state_mismatch");
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    await victim.get("/api/me").expect(401);
  });

  it("does not let a session cookie tossed into the victim's jar become the signed-in session", async () => {
    const sh = await secureHarness();
    const attacker = sh.agent();
    const planted = await sh.approvedCallback(attacker);
    const attackerSid = sidOf(attacker)!;
    const cookie = attacker.jar.getCookie("connect.sid", { domain: "127.0.0.1", path: "/", secure: false, script: false })!;
    const victim = sh.agent();
    victim.jar.setCookie(`connect.sid=${cookie.value}; Path=/`, "127.0.0.1", "/");
    await victim.get(planted).expect(302);
    // The id the attacker knows is gone: they cannot ride whatever the victim does next.
    expect(sidOf(victim)).not.toBe(attackerSid);
    expect(Object.keys(storedSessions(sh.store))).not.toContain(attackerSid);
    await attacker.get("/api/me").expect(401);
  });
});

describe("state: generation", () => {
  it("issues 1,000 distinct 256-bit states while keeping only a handful pending per session", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const states = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const res = await agent.get("/auth/pitchly/login").expect(302);
      const state = new URL(res.headers.location as string).searchParams.get("state")!;
      expect(Buffer.from(state, "base64url").length).toBeGreaterThanOrEqual(32);
      states.add(state);
    }
    expect(states.size).toBe(1000);
    const pending = pendingLogins(sh.store, sidOf(agent));
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(storedSessions(sh.store)[sidOf(agent)!]).length).toBeLessThan(4096);
  });
});

describe("state: two tabs", () => {
  it.each([
    ["first tab first", [0, 1]],
    ["second tab first", [1, 0]],
  ])("lets two tabs finish (%s), each back to its own page", async (_name, order) => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const tabs = [
      { path: await sh.approvedCallback(agent, "/auth/pitchly/login?returnTo=%2Ftab-a"), back: "/tab-a" },
      { path: await sh.approvedCallback(agent, "/auth/pitchly/login?returnTo=%2Ftab-b"), back: "/tab-b" },
    ];
    for (const index of order) {
      const tab = tabs[index]!;
      const res = await agent.get(tab.path).expect(302);
      expect(res.headers.location).toBe(tab.back);
    }
    await agent.get("/api/me").expect(200);
    expect(sh.mock.stats.token.authorization_code).toBe(2);
    for (const tab of tabs) expect((await agent.get(tab.path).expect(400)).body.error).toBe("state_mismatch");
  });
});
