// The demo's flows through the local Pitchly, in-process: approve, deny, expiry + transparent refresh, sign-out.
import request from "supertest";
import { APP_URL, expectNoTokens, refreshCount, signIn, startDemoHarness, type Agent, type DemoHarness } from "./demo-harness";

let h: DemoHarness;
let agent: Agent;

beforeEach(async () => {
  h = await startDemoHarness();
  agent = request.agent(h.app);
});
afterEach(() => h.close());

describe("approve", () => {
  test("home → consent → approve lands on the profile with name, e-mail and Pitchly data, never a token", async () => {
    const home = await agent.get("/").expect(200);
    expect(home.text).toContain('href="/auth/pitchly/login?returnTo=%2Fprofile"');
    expect(home.text).toContain("Sign in with Pitchly");

    const callback = await signIn(h, agent);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe("/profile");

    const profile = await agent.get("/profile").set("Accept", "text/html").expect(200);
    expect(profile.text).toContain('<h1 id="user-name">Ada Lovelace</h1>');
    expect(profile.text).toContain("ada@example.com");
    expect(profile.text).toMatch(/<h2>Deals <span class="muted">· Pitchly Demo Co<\/span><\/h2>/);
    expect(profile.text).toContain("<td>Acme</td>");
    expect(profile.text).toContain('<td class="num">120,000</td>');
    expect(refreshCount(profile.text)).toBe(0);
    // Platform access tokens live one hour.
    expect(profile.text).toMatch(/data-expires-at="\d{13}">(59m \d+s|1h 0m 0s)</);
    expect(profile.headers["cache-control"]).toBe("no-store");
    expectNoTokens(profile.text);
  });

  test("the session cookie is httpOnly and SameSite=Lax, not Secure over http", async () => {
    const callback = await signIn(h, agent);
    const cookie = ([] as string[]).concat(callback.headers["set-cookie"] ?? []).find((c) => c.startsWith("dealdesk.sid="));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  test("home greets a signed-in visitor with a link to the profile instead of the sign-in button", async () => {
    await signIn(h, agent);
    const home = await agent.get("/").expect(200);
    expect(home.text).toContain('href="/profile">Open your profile');
    expect(home.text).toContain('action="/auth/pitchly/logout"');
  });
});

describe("deny", () => {
  test("Deny on the consent page → a friendly 'you cancelled' page, no session", async () => {
    const callback = await signIn(h, agent, "deny");
    expect(callback.status).toBe(403);
    expect(callback.text).toContain("You cancelled the sign-in");
    expect(callback.text).toContain('data-error-code="access_denied"');
    expect(callback.text).toContain('href="/auth/pitchly/login?returnTo=%2Fprofile"');
    expect(h.local.mock.stats.token.authorization_code).toBe(0);
    await agent.get("/profile").set("Accept", "text/html").expect(302);
  });
});

describe("expiry and transparent refresh", () => {
  test("Expire (JSON) leaves the count at 0; Call the API refreshes once and the page shows it", async () => {
    await signIn(h, agent);
    const first = await agent.get("/profile").set("Accept", "text/html").expect(200);
    const before = Number(/data-expires-at="(\d+)"/.exec(first.text)?.[1]);

    const expired = await agent.post("/profile/expire").set("Accept", "application/json").expect(200);
    expect(expired.body.panel).toMatchObject({ refreshes: 0, expiredAtPitchly: true });
    expect(expired.body.panel.status).toMatch(/^Expired at Pitchly/);
    expect(h.local.mock.stats.token.refresh_token).toBe(0);

    const called = await agent.post("/profile/call-api").set("Accept", "application/json").expect(200);
    expect(called.body.refreshed).toBe(true);
    expect(called.body.viewer).toEqual({
      id: expect.stringMatching(/^psn[A-Za-z0-9]{17}$/),
      name: "Ada Lovelace",
      email: "ada@example.com",
    });
    expect(called.body.panel).toMatchObject({ refreshes: 1, expiredAtPitchly: false });
    expect(called.body.panel.lastRefreshAt).toBeGreaterThan(Date.now() - 10_000);
    expect(called.body.panel.expiresAt).toBeGreaterThan(before);
    expect(called.body.message).toContain("refreshed the token and retried");
    expect(h.local.mock.stats.token.refresh_token).toBe(1);
    expectNoTokens(JSON.stringify(called.body));

    const again = await agent.post("/profile/call-api").set("Accept", "application/json").expect(200);
    expect(again.body).toMatchObject({ refreshed: false, panel: { refreshes: 1 } });

    const page = await agent.get("/profile").set("Accept", "text/html").expect(200);
    expect(refreshCount(page.text)).toBe(1);
    expect(page.text).not.toContain('data-field="last-refresh">not yet');
    expectNoTokens(page.text);
  });

  test("without JavaScript the forms post and come back to the page (303), which shows the refresh", async () => {
    await signIn(h, agent);
    await agent.get("/profile").set("Accept", "text/html").expect(200);
    const expire = await agent.post("/profile/expire").set("Accept", "text/html").expect(303);
    expect(expire.headers.location).toBe("/profile?notice=expired#token");
    const page = await agent.get("/profile?notice=expired").set("Accept", "text/html").expect(200);
    expect(page.text).toContain('<p class="notice" role="status">Pitchly now rejects your old access token.');
    expect(refreshCount(page.text)).toBe(1);
    const call = await agent.post("/profile/call-api").set("Accept", "text/html").expect(303);
    expect(call.headers.location).toBe("/profile?notice=called#token");
  });

  test("an unknown notice is not reflected", async () => {
    await signIn(h, agent);
    const page = await agent.get("/profile?notice=%3Cscript%3Ealert(1)%3C%2Fscript%3E").set("Accept", "text/html").expect(200);
    expect(page.text).not.toContain('class="notice"');
    expect(page.text).not.toContain("<script>alert");
  });

  test("Pitchly down during the refresh → the friendly 503 page (HTML) or pitchly_unavailable (JSON)", async () => {
    await signIn(h, agent);
    h.local.mock.expireAccessTokens();
    h.local.mock.setFaults({ token: { status: 503 } });
    const json = await agent.post("/profile/call-api").set("Accept", "application/json").expect(503);
    expect(json.body.error).toBe("pitchly_unavailable");
    const page = await agent.get("/profile").set("Accept", "text/html").expect(503);
    expect(page.text).toContain("Pitchly is not reachable right now");
    h.local.mock.setFaults({});
    const back = await agent.get("/profile").set("Accept", "text/html").expect(200);
    expect(refreshCount(back.text)).toBe(1);
  });

  test("the demo's POSTs refuse another site's Origin", async () => {
    await signIn(h, agent);
    const res = await agent
      .post("/profile/expire")
      .set("Origin", "https://evil.example")
      .set("Accept", "application/json")
      .expect(403);
    expect(res.body.error).toBe("cross_site_request");
    const metadata = await agent
      .post("/profile/expire")
      .set("Sec-Fetch-Site", "cross-site")
      .set("Accept", "application/json")
      .expect(403);
    expect(metadata.body.error).toBe("cross_site_request");
    await agent.post("/profile/expire").set("Origin", APP_URL).set("Accept", "application/json").expect(200);
    // A same-origin form post under Referrer-Policy: no-referrer carries Origin: null; Fetch Metadata vouches for it.
    await agent
      .post("/profile/expire")
      .set("Origin", "null")
      .set("Sec-Fetch-Site", "same-origin")
      .set("Accept", "application/json")
      .expect(200);
  });

  test("not signed in: fetch calls get 401 login_required, the page redirects to sign-in", async () => {
    const res = await agent.post("/profile/call-api").set("Accept", "application/json").expect(401);
    expect(res.body).toEqual({ error: "login_required" });
    const page = await agent.get("/profile").set("Accept", "text/html").expect(302);
    expect(page.headers.location).toBe("/auth/pitchly/login?returnTo=%2Fprofile");
  });
});

describe("sign-out", () => {
  test("POST logout → home with the sign-in button; the profile asks to sign in again", async () => {
    await signIn(h, agent);
    await agent.get("/profile").set("Accept", "text/html").expect(200);
    const out = await agent.post("/auth/pitchly/logout").set("Origin", APP_URL).expect(302);
    expect(out.headers.location).toBe("/");
    const home = await agent.get("/").expect(200);
    expect(home.text).toContain("Sign in with Pitchly");
    expect(home.text).not.toContain('action="/auth/pitchly/logout"');
    await agent.get("/profile").set("Accept", "text/html").expect(302);
  });
});
