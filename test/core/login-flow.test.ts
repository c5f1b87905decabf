// The whole sign-in flow through a real local Pitchly: login, consent, callback, API call, logout.
import request from "supertest";
import express from "express";
import {
  createHarness,
  sessionIdOf,
  signIn,
  storedSessions,
  CLIENT_ID,
  DATABASES_ANSWER,
  ORG_VARIABLES,
  REDIRECT_URI,
  type Harness,
} from "../helpers/app";
import { approvedLogin } from "../helpers/flows";

let h: Harness;
afterEach(() => h?.close());

describe("sign in with Pitchly", () => {
  it("redirects to the authorize URL with a fresh 256-bit state and no-store caching", async () => {
    h = await createHarness();
    const res = await request(h.app).get("/auth/pitchly/login").expect(302);
    expect(res.headers["cache-control"]).toBe("no-store");
    const url = new URL(res.headers.location as string);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.mock.url}/oauth/authorize`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(url.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.has("code_challenge")).toBe(false);
    expect(url.searchParams.has("client_secret")).toBe(false);
  });

  it("completes the flow, renews the session id, and lets a protected route call GraphQL", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const login = await agent.get("/auth/pitchly/login?returnTo=/dashboard%3Ftab%3D2").expect(302);
    const before = sessionIdOf(login.headers["set-cookie"]);
    const callback = await signIn(h, agent);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe("/");
    // signIn made a second login; the first one's returnTo is still pending and usable.
    const after = sessionIdOf(callback.headers["set-cookie"]);
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(Object.keys(storedSessions(h.store))).not.toContain(before);
    const me = await agent.get("/api/me").expect(200);
    expect(me.body).toEqual(DATABASES_ANSWER);
    expect(h.mock.stats.token.authorization_code).toBe(1);
  });

  it("sends the user back to the returnTo saved at login", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const res = await signIn(h, agent, "/auth/pitchly/login?returnTo=%2Freports%3Fq%3D1%23top");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/reports?q=1#top");
  });

  it("keeps the app's own session data across the id renewal", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await agent.post("/counter").expect(200, { hits: 1 });
    await signIn(h, agent).then((r) => expect(r.status).toBe(302));
    await agent.post("/counter").expect(200, { hits: 2 });
  });

  it("sends PKCE S256 when enabled and the exchange proves the verifier", async () => {
    h = await createHarness({ auth: { pkce: true } });
    const agent = request.agent(h.app);
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const url = new URL(login.headers.location as string);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = new URL(await h.mock.approve(url.toString()));
    await agent.get(`${back.pathname}${back.search}`).expect(302);
    await agent.get("/api/me").expect(200);
  });

  it("talks to the platform generation's token path with platform: 'platform'", async () => {
    h = await createHarness({ auth: { platform: "platform" } });
    const agent = request.agent(h.app);
    expect((await signIn(h, agent)).status).toBe(302);
    const me = await agent.post("/api/query").send({ query: "{ organization { id } }" }).expect(200);
    expect(me.body.data.organization.id).toBe(ORG_VARIABLES.org);
  });

  it("answers 401 JSON to API calls and 302 to login for pages when nobody is signed in", async () => {
    h = await createHarness();
    await request(h.app).get("/api/me").set("Accept", "application/json").expect(401, { error: "login_required" });
    await request(h.app).get("/api/me").expect(401, { error: "login_required" });
    await request(h.app).post("/api/me").expect(404);
    const page = await request(h.app).get("/page?x=1").set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").expect(302);
    expect(page.headers.location).toBe("/auth/pitchly/login?returnTo=%2Fpage%3Fx%3D1");
  });

  it("logs out only by POST, forgetting the tokens and killing the old cookie", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const cb = await signIn(h, agent);
    const oldCookie = (cb.headers["set-cookie"] as unknown as string[])[0]!.split(";")[0]!;
    await agent.get("/auth/pitchly/logout").expect(404);
    await agent.get("/api/me").expect(200);
    const out = await agent.post("/auth/pitchly/logout").expect(302);
    expect(out.headers.location).toBe("/");
    await agent.get("/api/me").expect(401);
    await request(h.app).get("/api/me").set("Cookie", oldCookie).expect(401);
  });

  it("refuses a logout posted from another site", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    await agent.post("/auth/pitchly/logout").set("Origin", "https://evil.example").expect(403);
    await agent.get("/api/me").expect(200);
  });

  it("explains the fix when express-session is not mounted", async () => {
    h = await createHarness({ noSession: true });
    const res = await request(h.app).get("/auth/pitchly/login").expect(500);
    expect(res.body.error).toBe("session_missing");
    expect(res.body.message).toMatch(/mount express-session/);
    const api = await request(h.app).get("/api/me").expect(500);
    expect(api.body.error).toBe("session_missing");
  });

  it("works with the router mounted under a prefix", async () => {
    h = await createHarness({ auth: { redirectUri: "http://127.0.0.1:3999/sso/auth/pitchly/callback" } });
    const app = express();
    app.use((await import("express-session")).default({ secret: "s", resave: false, saveUninitialized: false }));
    app.use("/sso", h.auth.router);
    app.get("/secret", h.auth.requirePitchlyToken(), (_req, res) => res.send("ok"));
    const agent = request.agent(app);
    const page = await agent.get("/secret").set("Accept", "text/html").expect(302);
    expect(page.headers.location).toBe("/sso/auth/pitchly/login?returnTo=%2Fsecret");
    const { back, callbackPath } = await approvedLogin(h.mock, agent, page.headers.location as string);
    expect(back.pathname).toBe("/sso/auth/pitchly/callback");
    const cb = await agent.get(callbackPath).expect(302);
    expect(cb.headers.location).toBe("/secret");
    await agent.get("/secret").expect(200, "ok");
  });
});
