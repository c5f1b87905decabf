// Threat: forced logout (logout CSRF) and sessions that outlive logout (OWASP Session Management, CSRF
// cheat sheet): only a same-origin POST signs out, and afterwards the old cookie is dead for good.
import express from "express";
import session from "express-session";
import request from "supertest";
import { MemoryTokenStoreForTests } from "./helpers/map-token-store";
import { storedSessions } from "../helpers/app";
import { secureHarness, sidOf, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

const APP_ORIGIN = "http://127.0.0.1:3999";

async function signedIn(options: Parameters<typeof secureHarness>[0] = {}) {
  const sh = await secureHarness(options);
  const agent = sh.agent();
  expect((await sh.signIn(agent)).status).toBe(302);
  return { sh, agent };
}

function cookieOf(agent: ReturnType<SecureHarness["agent"]>): string {
  return agent.jar.getCookies({ domain: "127.0.0.1", path: "/", secure: false, script: false }).toValueString();
}

describe("only POST signs out", () => {
  it.each([
    ["GET", (a: ReturnType<SecureHarness["agent"]>) => a.get("/auth/pitchly/logout")],
    ["GET ?_method=POST", (a: ReturnType<SecureHarness["agent"]>) => a.get("/auth/pitchly/logout?_method=POST")],
    ["HEAD", (a: ReturnType<SecureHarness["agent"]>) => a.head("/auth/pitchly/logout")],
    ["PUT", (a: ReturnType<SecureHarness["agent"]>) => a.put("/auth/pitchly/logout")],
    ["DELETE", (a: ReturnType<SecureHarness["agent"]>) => a.delete("/auth/pitchly/logout")],
  ])("%s does not", async (_name, send) => {
    const { agent } = await signedIn();
    const sid = sidOf(agent);
    expect((await send(agent)).status).toBe(404);
    await agent.get("/api/me").expect(200);
    expect(sidOf(agent)).toBe(sid);
  });
});

describe("cross-site POSTs are refused", () => {
  it.each<[string, Record<string, string>]>([
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["Origin: null (sandboxed frame, data: URL)", { Origin: "null" }],
    ["a look-alike Origin", { Origin: "http://127.0.0.1:3999.evil.example" }],
    ["the right host on another scheme", { Origin: "https://127.0.0.1:3999" }],
    ["the right host on another port", { Origin: "http://127.0.0.1:4000" }],
    ["Sec-Fetch-Site: cross-site, no Origin", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Referer, no Origin", { Referer: "https://evil.example/page" }],
    ["a same-origin Origin contradicted by Sec-Fetch-Site", { Origin: APP_ORIGIN, "Sec-Fetch-Site": "cross-site" }],
  ])("%s → 403, still signed in", async (_name, headers) => {
    const { sh, agent } = await signedIn();
    const sid = sidOf(agent);
    const res = await agent.post("/auth/pitchly/logout").type("form").send("x=1").set(headers).expect(403);
    expect(res.body).toEqual({ error: "cross_site_request" });
    await agent.get("/api/me").expect(200);
    expect(sidOf(agent)).toBe(sid);
    expect(Object.keys(storedSessions(sh.store))).toContain(sid);
  });

  it.each<[string, Record<string, string>]>([
    ["the app's Origin", { Origin: APP_ORIGIN }],
    ["an alias Origin the browser marks same-origin", { Origin: "http://localhost:3999", "Sec-Fetch-Site": "same-origin" }],
    ["a same-origin Referer only", { Referer: `${APP_ORIGIN}/settings` }],
    ["no browser headers at all (a script or server)", {}],
  ])("%s → signed out", async (_name, headers) => {
    const { agent } = await signedIn();
    await agent.post("/auth/pitchly/logout").set(headers).expect(302).expect("Location", "/");
    await agent.get("/api/me").expect(401);
  });
});

describe("after logout the old cookie is dead", () => {
  it("in the session store, for the old id, and for the tokens it held", async () => {
    const { sh, agent } = await signedIn();
    const oldCookie = cookieOf(agent);
    const oldSid = sidOf(agent)!;
    await agent.post("/auth/pitchly/logout").set("Origin", APP_ORIGIN).expect(302);
    expect(Object.keys(storedSessions(sh.store))).not.toContain(oldSid);
    await sh.agent().get("/api/me").set("Cookie", oldCookie).expect(401);
    await sh.agent().get("/page").set("Cookie", oldCookie).set("Accept", "text/html").expect(302);
    expect(Object.values(storedSessions(sh.store)).filter((s) => s.pitchly)).toEqual([]);
  });

  it("even when a request that loaded the session was still running during logout", async () => {
    const { sh, agent } = await signedIn();
    const oldCookie = cookieOf(agent);
    // A second app on the same sessions, with a handler the test holds open after its session loaded.
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.use(session({ secret: "test-session-secret", resave: false, saveUninitialized: false, store: sh.store }));
    app.use(sh.auth.router);
    app.post("/hold", async (req, res) => {
      entered();
      await held;
      (req.session as unknown as { touched?: number }).touched = 1;
      res.json({ ok: true });
    });
    const slow = request(sh.serve(app))
      .post("/hold")
      .set("Cookie", oldCookie)
      .then((r) => r);
    await inside;
    await agent.post("/auth/pitchly/logout").expect(302);
    release();
    expect((await slow).status).toBe(200);
    // The held request's save under the old id is dropped (issue 10, point 10): neither the grant nor the
    // app's data comes back under it, so the old cookie stays dead.
    await sh.agent().get("/api/me").set("Cookie", oldCookie).expect(401);
    expect(
      Object.values(storedSessions(sh.store)).some(
        (s) => s.touched === 1 && s.pitchly && (s.pitchly as { tokens?: unknown }).tokens,
      ),
    ).toBe(false);
    expect(Object.values(storedSessions(sh.store)).some((s) => s.touched === 1)).toBe(false);
  });

  it("in the token store too: the grant is deleted, so background jobs cannot use it either", async () => {
    const tokenStore = new MemoryTokenStoreForTests();
    const { sh, agent } = await signedIn({ auth: { tokenStore } });
    const [grantKey] = [...tokenStore.rows.keys()];
    expect(grantKey).toBeDefined();
    await sh.auth.clientFor(grantKey!).getAccessToken();
    await agent.post("/auth/pitchly/logout").expect(302);
    expect(tokenStore.rows.size).toBe(0);
    await expect(sh.auth.clientFor(grantKey!).getAccessToken()).rejects.toMatchObject({ code: "login_required" });
  });

  it("and logging out again, or without a session, is harmless", async () => {
    const { sh, agent } = await signedIn();
    await agent.post("/auth/pitchly/logout").expect(302);
    await agent.post("/auth/pitchly/logout").expect(302);
    await sh.agent().post("/auth/pitchly/logout").expect(302);
  });
});
