// The demo's pages and headers: helmet, cookies over https behind a proxy, escaping, the SPA shell, error pages, logs.
import { Writable } from "node:stream";
import pino from "pino";
import request from "supertest";
import { realPitchlyFromEnv, parseTrustProxy } from "../../demo-app/config";
import { redactUrl } from "../../demo-app/logging";
import { ERROR_CODES, renderErrorPage } from "../../demo-app/views/error-page";
import { escapeHtml } from "../../demo-app/views/html";
import { APP_URL, expectNoTokens, signIn, startDemoHarness, type DemoHarness } from "./demo-harness";

let h: DemoHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("headers and cookies", () => {
  test("helmet over http: same-origin scripts, no upgrade-insecure-requests, no HSTS", async () => {
    h = await startDemoHarness();
    const res = await request(h.app).get("/").expect(200);
    const csp = res.headers["content-security-policy"] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
    expect(res.text).not.toMatch(/<script>|<script(?![^>]*\ssrc=)/);
  });

  test("over https behind a proxy: Secure cookie and HSTS with trust proxy; no cookie at all without it", async () => {
    const https = { redirectUri: "https://deals.example.com/auth/pitchly/callback" };
    h = await startDemoHarness({ config: { ...https, trustProxy: 1 } });
    const proxied = await request(h.app).get("/auth/pitchly/login").set("X-Forwarded-Proto", "https").expect(302);
    const cookie = ([] as string[]).concat(proxied.headers["set-cookie"] ?? []).join("\n");
    expect(cookie).toMatch(/dealdesk\.sid=.*; Secure/);
    expect(proxied.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    await h.close();

    h = await startDemoHarness({ config: https });
    const direct = await request(h.app).get("/auth/pitchly/login").set("X-Forwarded-Proto", "https").expect(302);
    expect(direct.headers["set-cookie"]).toBeUndefined();
  });

  test("parseTrustProxy reads TRUST_PROXY as Express understands it", () => {
    expect([parseTrustProxy(undefined), parseTrustProxy("true"), parseTrustProxy("2"), parseTrustProxy("loopback")]).toEqual([
      undefined,
      true,
      2,
      "loopback",
    ]);
  });
});

describe("escaping", () => {
  test("a hostile name and e-mail from Pitchly are shown as text", async () => {
    h = await startDemoHarness({
      users: [{ id: "u-x", name: `<img src=x onerror="alert(1)">`, email: `"><script>alert(2)</script>` }],
    });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const page = await agent.get("/profile").set("Accept", "text/html").expect(200);
    expect(page.text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(page.text).toContain("&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(page.text).not.toMatch(/<img|<script>alert/);
    expectNoTokens(page.text);
  });

  test("escapeHtml covers the five HTML specials and the backtick", () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;",
    );
  });
});

describe("/spa", () => {
  test("no referrer, no caching, a CSP with this origin's scripts only and Pitchly in connect-src", async () => {
    h = await startDemoHarness();
    const res = await request(h.app).get("/spa").expect(200);
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["cache-control"]).toBe("no-store");
    const csp = res.headers["content-security-policy"] as string;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ${h.local.mock.url};`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https:\/\/[^ ;]*cdn/);
    expect(res.text).toContain('<script type="module" src="/assets/spa.js"></script>');
    expect(res.text.match(/<script[^>]*>/g)?.every((tag) => tag.includes(' src="/assets/'))).toBe(true);
    expect(res.text).toContain('data-client-id="demo-spa"');
    expect(res.text).toContain(`data-redirect-uri="${APP_URL}/spa"`);
    // The SPA signs in with the implicit flow, which is v2's: it calls v2's GraphQL.
    expect(res.text).toContain(`data-graphql-url="${h.local.mock.graphqlUrl}"`);
  });

  test("serves the built express-pitchly/browser ESM and the module script that imports it", async () => {
    h = await startDemoHarness();
    const lib = await request(h.app).get("/assets/pitchly-browser/index.js").expect(200);
    expect(lib.headers["content-type"]).toMatch(/javascript/);
    expect(lib.text).toContain("completeImplicitLogin");
    const spa = await request(h.app).get("/assets/spa.js").expect(200);
    expect(spa.text).toContain('from "/assets/pitchly-browser/index.js"');
  });
});

describe("error pages", () => {
  test("every error code has its own friendly page naming the code", () => {
    const titles = new Set<string>();
    for (const code of ERROR_CODES) {
      const page = renderErrorPage(code, { pitchlyLabel: "P", signedIn: false });
      expect(page).toContain(`<code>${code}</code>`);
      const title = /<h1>([^<]+)<\/h1>/.exec(page)?.[1];
      expect(title).toBeTruthy();
      titles.add(title as string);
    }
    expect(titles.size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining(["access_denied", "state_mismatch", "pitchly_unavailable", "refresh_rejected"]),
    );
  });

  test("a forged callback → state_mismatch page (HTML) or JSON, nothing from the URL echoed", async () => {
    h = await startDemoHarness();
    const page = await request(h.app)
      .get("/auth/pitchly/callback?code=pac_x&state=%3Cb%3Eforged")
      .set("Accept", "text/html")
      .expect(400);
    expect(page.text).toContain("That sign-in did not start here");
    expect(page.text).not.toMatch(/forged|pac_x/);
    const json = await request(h.app).get("/auth/pitchly/callback?state=x").set("Accept", "application/json").expect(400);
    expect(json.body.error).toBe("state_mismatch");
  });

  test("Pitchly's error_description is never shown", async () => {
    h = await startDemoHarness();
    const agent = request.agent(h.app);
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const state = new URL(login.headers.location as string).searchParams.get("state") as string;
    const qs = new URLSearchParams({ error: "server_error", error_description: "<script>alert(1)</script>", state });
    const page = await agent.get(`/auth/pitchly/callback?${qs}`).set("Accept", "text/html").expect(502);
    expect(page.text).toContain("Pitchly could not sign you in");
    expect(page.text).not.toContain("alert(1)");
  });

  test("unknown pages get the 404 page; Expire is local-only", async () => {
    h = await startDemoHarness({ config: { expireAccessTokens: undefined } });
    const missing = await request(h.app).get("/nope").set("Accept", "text/html").expect(404);
    expect(missing.text).toContain("Page not found");
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const profile = await agent.get("/profile").set("Accept", "text/html").expect(200);
    expect(profile.text).not.toContain("Expire my token now");
    const expire = await agent.post("/profile/expire").set("Accept", "application/json").expect(404);
    expect(expire.body.error).toBe("local_only");
  });
});

describe("configuration and logs", () => {
  test("real Pitchly only when all three variables are set; a partial set names what is missing", () => {
    expect(realPitchlyFromEnv({})).toBeUndefined();
    expect(() => realPitchlyFromEnv({ PITCHLY_CLIENT_ID: "id" })).toThrow(/missing: PITCHLY_CLIENT_SECRET, PITCHLY_REDIRECT_URI/);
    const real = realPitchlyFromEnv({
      PITCHLY_CLIENT_ID: "id",
      PITCHLY_CLIENT_SECRET: "s",
      PITCHLY_REDIRECT_URI: "https://a.example/auth/pitchly/callback",
    });
    expect(real?.endpoints).toEqual({
      authorizeUrl: "https://v2.pitchly.net/oauth/authorize",
      tokenUrl: "https://v2.pitchly.net/oauth/token",
      graphqlUrl: "https://v2.pitchly.net/graphql",
    });
    expect(real?.expireAccessTokens).toBeUndefined();
  });

  test("request logs carry no code, state, token or cookie", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    h = await startDemoHarness({ config: { logger: pino({ level: "debug" }, sink) } });
    const agent = request.agent(h.app);
    await signIn(h, agent);
    await agent.get("/profile").set("Accept", "text/html").expect(200);
    const log = lines.join("");
    expect(log).toContain('"url":"/auth/pitchly/callback?code=[redacted]&state=[redacted]"');
    expect(log).toContain('"url":"/profile"');
    expect(log).not.toMatch(/pac_|plyu_|prt_|dealdesk\.sid|s%3A/);
    expect(redactUrl("/x?returnTo=%2Fp&code=abc")).toBe("/x?returnTo=%2Fp&code=[redacted]");
  });
});
