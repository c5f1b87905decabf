// Sign-in against panva's oidc-provider: the whole redirect dance, PKCE required or not, and its token answer shapes.
import { ACCESS_TOKEN_TTL_SECONDS, currentToken, expireAccessToken, oidcSuite, REDIRECT_URI } from "./harness";
import { codeGrants, OIDC_CLIENT_ID, refreshCalls, successes } from "./provider";

const suite = oidcSuite();

describe("login end to end", () => {
  it("login route → oidc-provider's authorization endpoint → interaction → callback → signed in", async () => {
    const h = await suite.app();
    const agent = h.agent();
    await agent.get("/api/x").set("accept", "application/json").expect(401, { error: "login_required" });

    const login = await agent.get("/auth/pitchly/login").expect(302);
    const authorize = new URL(String(login.headers.location));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(suite.provider.authorizationEndpoint);
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("client_id")).toBe(OIDC_CLIENT_ID);
    expect(authorize.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(authorize.searchParams.get("scope")).toBe("read write");
    const state = authorize.searchParams.get("state");
    expect(state).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    const back = await suite.provider.authorize(authorize.toString());
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get("state")).toBe(state);
    // RFC 9207: oidc-provider names itself on the callback; a parameter the package must tolerate.
    expect(back.searchParams.get("iss")).toBe(suite.provider.issuer);
    const callback = await agent.get(`${back.pathname}${back.search}`).expect(302);
    expect(callback.headers.location).toBe("/");

    const grants = codeGrants(await suite.provider.events());
    expect(grants).toHaveLength(1);
    // The app holds exactly the access token oidc-provider issued for this code.
    expect((await currentToken(agent)).hash).toBe(grants[0]!.answer!.accessTokenHash);
    expect(refreshCalls(await suite.provider.events())).toHaveLength(0);
  });

  it("brings a page request back where it started (returnTo), and a replayed callback does not sign in twice", async () => {
    const h = await suite.app();
    const agent = h.agent();
    const page = await agent.get("/api/x?tab=2").set("accept", "text/html").expect(302);
    const loginPath = String(page.headers.location);
    expect(loginPath).toBe(`/auth/pitchly/login?returnTo=${encodeURIComponent("/api/x?tab=2")}`);
    const login = await agent.get(loginPath).expect(302);
    const back = await suite.provider.authorize(String(login.headers.location));
    await agent.get(`${back.pathname}${back.search}`).expect(302).expect("location", "/api/x?tab=2");
    const replay = await agent.get(`${back.pathname}${back.search}`);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe("state_mismatch");
    expect(codeGrants(await suite.provider.events())).toHaveLength(1);
  });
});

describe("PKCE", () => {
  it.each([
    ["required by the server", true],
    ["not required by the server", false],
  ])("%s, pkce: true → S256 challenge accepted, signed in", async (_label, required) => {
    await suite.provider.configure({ pkceRequired: required });
    const h = await suite.app({ pkce: true });
    const agent = h.agent();
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const authorize = new URL(String(login.headers.location));
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = await suite.provider.authorize(authorize.toString());
    await agent.get(`${back.pathname}${back.search}`).expect(302).expect("location", "/");
    // oidc-provider checked the verifier against the challenge before answering this.
    const grants = codeGrants(await suite.provider.events());
    expect(grants).toHaveLength(1);
    expect((await currentToken(agent)).hash).toBe(grants[0]!.answer!.accessTokenHash);
  });

  it("not required by the server, pkce: false → signed in without a challenge", async () => {
    const h = await suite.app({ pkce: false });
    const agent = h.agent();
    const login = await agent.get("/auth/pitchly/login").expect(302);
    expect(new URL(String(login.headers.location)).searchParams.has("code_challenge")).toBe(false);
    expect((await h.signIn(agent)).status).toBe(302);
    expect(codeGrants(await suite.provider.events())).toHaveLength(1);
  });

  it("required by the server, pkce: false → a clear provider_error (502), not a crash, and not signed in", async () => {
    await suite.provider.configure({ pkceRequired: true });
    const h = await suite.app({ pkce: false });
    const agent = h.agent();
    const callback = await h.signIn(agent);
    expect(callback.status).toBe(502);
    expect(callback.body).toEqual({ error: "provider_error" });
    const events = await suite.provider.events();
    // oidc-provider refused at its authorization endpoint: no code, so no token call at all.
    expect(events).toContainEqual(expect.objectContaining({ name: "authorization.error", error: "invalid_request" }));
    expect(events.find((e) => e.name === "authorization.error")).toMatchObject({ description: expect.stringMatching(/PKCE/) });
    expect(events.filter((e) => e.name === "grant.success" || e.name === "grant.error")).toHaveLength(0);
    expect(events.filter((e) => e.name === "server_error")).toHaveLength(0);
    await agent.get("/api/x").set("accept", "application/json").expect(401, { error: "login_required" });
  });
});

describe("oidc-provider's own token answers (odd but legal)", () => {
  it('scope present, id_token present, token_type "Bearer", expires_in a number: accepted at login and on refresh', async () => {
    const h = await suite.app({ scope: "openid read" });
    const agent = h.agent();
    expect((await h.signIn(agent)).status).toBe(302);
    const [code] = codeGrants(await suite.provider.events());
    expect(code!.answer).toMatchObject({ tokenType: "Bearer", expiresIn: ACCESS_TOKEN_TTL_SECONDS, scope: "openid read" });
    expect(code!.answer!.keys).toEqual(["access_token", "expires_in", "id_token", "refresh_token", "scope", "token_type"]);
    expect((await currentToken(agent)).hash).toBe(code!.answer!.accessTokenHash);

    expireAccessToken();
    const refreshed = await currentToken(agent);
    const [refresh] = successes(refreshCalls(await suite.provider.events()));
    expect(refresh!.answer!.keys).toContain("id_token");
    expect(refresh!.answer!.tokenType).toBe("Bearer");
    expect(refreshed.hash).toBe(refresh!.answer!.accessTokenHash);
    expect(refreshed.hash).not.toBe(code!.answer!.accessTokenHash);
  });

  it("a server that does not rotate (same refresh token back each time) keeps working", async () => {
    await suite.provider.configure({ rotateRefreshToken: false });
    const h = await suite.app();
    const agent = h.agent();
    await h.signIn(agent);
    const seen = new Set([(await currentToken(agent)).hash]);
    for (let i = 0; i < 3; i++) {
      expireAccessToken();
      seen.add((await currentToken(agent)).hash);
    }
    expect(seen.size).toBe(4);
    const calls = refreshCalls(await suite.provider.events());
    expect(calls.map((c) => c.name)).toEqual(["grant.success", "grant.success", "grant.success"]);
    const [first] = codeGrants(await suite.provider.events());
    expect(new Set(calls.map((c) => c.answer!.refreshToken))).toEqual(new Set([first!.answer!.refreshToken]));
  });
});
