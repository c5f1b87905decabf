// plugin: { platformOrigin }: the auth routes' frame-ancestors, the self-check's codes, and CSRF still refused in a frame.
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import session, { type CookieOptions } from "express-session";
import helmet from "helmet";
import request from "supertest";
import { PITCHLY_WARNINGS, PitchlyConfigError, pitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from "../helpers/app";
import { signInThrough } from "../helpers/flows";
import { useLocalPitchly } from "../helpers/mounts";
import { recordingLogger } from "../security/helpers/recorder";

const PLATFORM = "https://platform.pitchly.com";
const APP_ORIGIN = new URL(REDIRECT_URI).origin;
const PLUGIN_COOKIE: CookieOptions = { sameSite: "none", secure: true, partitioned: true, httpOnly: true };
const local = useLocalPitchly();

interface AppSetup {
  cookie?: CookieOptions;
  trustProxy?: boolean;
  /** Mounted before everything, as apps do with helmet. */
  before?: RequestHandler;
  plugin?: PitchlyAuthOptions["plugin"];
}

function pluginApp(setup: AppSetup = {}) {
  const lines: string[] = [];
  const app = express();
  if (setup.trustProxy) app.set("trust proxy", true);
  if (setup.before) app.use(setup.before);
  app.use(session({ secret: "plugin-test-secret", resave: false, saveUninitialized: false, cookie: setup.cookie ?? {} }));
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    baseUrl: local.mock.url,
    logger: recordingLogger(lines),
    ...("plugin" in setup ? { plugin: setup.plugin } : { plugin: {} }),
  });
  app.use(auth.router);
  app.get("/page", auth.requirePitchlyToken(), (_req, res) => {
    res.send("<p>protected</p>");
  });
  // The app's own error page (Express's default one replaces every header with its own CSP).
  app.use(((err: { status?: number; code?: string }, _req, res, _next) => {
    res.status(err.status ?? 500).json({ error: err.code });
  }) as ErrorRequestHandler);
  const codes = () =>
    lines
      .map((l) => JSON.parse(l) as { level: number; code?: string })
      .filter((l) => l.level === 40 && l.code?.startsWith("PITCHLY_PLUGIN_"))
      .map((l) => l.code);
  const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg).join("\n");
  return { app, codes, messages };
}

const frameDirective = (csp: string | undefined) =>
  (csp ?? "")
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("frame-ancestors"));

describe("the plugin option", () => {
  test("defaults platformOrigin to Pitchly's platform and accepts another bare origin", async () => {
    const { app } = pluginApp();
    const res = await request(app).get("/auth/pitchly/login").expect(302);
    expect(res.headers["content-security-policy"]).toBe(`frame-ancestors 'self' ${PLATFORM}`);
    const other = pluginApp({ plugin: { platformOrigin: "http://127.0.0.1:4010" } });
    const res2 = await request(other.app).get("/auth/pitchly/login").expect(302);
    expect(res2.headers["content-security-policy"]).toBe("frame-ancestors 'self' http://127.0.0.1:4010");
  });

  test.each([
    ["https://platform.pitchly.com/", "bare origin"],
    ["https://platform.pitchly.com/app", "bare origin"],
    ["platform.pitchly.com", "absolute"],
  ])("refuses platformOrigin %s", (platformOrigin, word) => {
    const make = () => pitchlyAuth({ clientId: "a", clientSecret: "b", redirectUri: REDIRECT_URI, plugin: { platformOrigin } });
    expect(make).toThrow(PitchlyConfigError);
    expect(make).toThrow(/plugin\.platformOrigin/);
    expect(make).toThrow(new RegExp(word));
  });

  test("a typo inside plugin gets a hint", () => {
    const make = () =>
      pitchlyAuth({ clientId: "a", clientSecret: "b", redirectUri: REDIRECT_URI, plugin: { platfromOrigin: PLATFORM } as never });
    expect(make).toThrow("plugin.platfromOrigin: unknown option (did you mean `platformOrigin`?)");
  });
});

describe("headers of the auth routes", () => {
  test("login, callback and logout allow the app and the platform as ancestors, over helmet's defaults", async () => {
    const { app } = pluginApp({ before: helmet(), cookie: PLUGIN_COOKIE, trustProxy: true });
    const agent = request.agent(app);
    const login = await agent.get("/auth/pitchly/login").set("X-Forwarded-Proto", "https").expect(302);
    const callback = await agent.get("/auth/pitchly/callback?error=access_denied").set("X-Forwarded-Proto", "https").expect(400);
    const logout = await agent
      .post("/auth/pitchly/logout")
      .set("X-Forwarded-Proto", "https")
      .set("Sec-Fetch-Site", "same-origin")
      .set("Origin", APP_ORIGIN)
      .expect(302);
    for (const res of [login, callback, logout]) {
      const csp = res.headers["content-security-policy"];
      expect(frameDirective(csp)).toBe(`frame-ancestors 'self' ${PLATFORM}`);
      // Only frame-ancestors is replaced: an error page rendered at the callback keeps helmet's script-src.
      expect(csp).toContain("script-src 'self'");
      expect(csp?.match(/frame-ancestors/g)).toHaveLength(1);
      expect(res.headers["x-frame-options"]).toBeUndefined();
      expect(res.headers["cache-control"]).toBe("no-store");
    }
  });

  test("without the option the routes keep whatever the app set (helmet's SAMEORIGIN here)", async () => {
    const { app } = pluginApp({ before: helmet(), plugin: undefined });
    const res = await request(app).get("/auth/pitchly/login").expect(302);
    expect(frameDirective(res.headers["content-security-policy"])).toBe("frame-ancestors 'self'");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
  });

  test("the cookie set inside the frame is SameSite=None; Secure; Partitioned when the app configures it", async () => {
    const { app, codes } = pluginApp({ cookie: PLUGIN_COOKIE, trustProxy: true });
    const res = await request(app).get("/auth/pitchly/login").set("X-Forwarded-Proto", "https").expect(302);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/SameSite=None/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Partitioned/);
    expect(codes()).toEqual([]);
  });
});

describe("the self-check in plugin mode", () => {
  test("the default cookie: one warning per missing attribute, once", async () => {
    const { app, codes, messages } = pluginApp();
    await request(app).get("/auth/pitchly/login").expect(302);
    await request(app).get("/auth/pitchly/login").expect(302);
    expect(codes()).toEqual([
      PITCHLY_WARNINGS.PLUGIN_COOKIE_NOT_SAMESITE_NONE,
      PITCHLY_WARNINGS.PLUGIN_COOKIE_NOT_SECURE,
      PITCHLY_WARNINGS.PLUGIN_COOKIE_NOT_PARTITIONED,
    ]);
    expect(messages()).toContain("sameSite: 'none', secure: true, partitioned: true");
  });

  test("a TLS-terminating proxy Express does not trust", async () => {
    const { app, codes } = pluginApp({ cookie: PLUGIN_COOKIE });
    const res = await request(app).get("/auth/pitchly/login").set("X-Forwarded-Proto", "https").expect(302);
    // express-session refuses to set the Secure cookie: the reason every framed sign-in would fail.
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(codes()).toEqual([PITCHLY_WARNINGS.PLUGIN_TRUST_PROXY_UNSET]);
  });

  test("no plugin warnings without the option, whatever the cookie", async () => {
    const { app, codes } = pluginApp({ plugin: undefined, before: helmet() });
    await request(app).get("/auth/pitchly/login").expect(302);
    await request(app).get("/page").expect(401);
    expect(codes()).toEqual([]);
  });

  test.each<[string, RequestHandler, string | undefined]>([
    ["helmet's defaults", helmet(), PITCHLY_WARNINGS.PLUGIN_FRAME_ANCESTORS],
    [
      "helmet without CSP (X-Frame-Options only)",
      helmet({ contentSecurityPolicy: false }),
      PITCHLY_WARNINGS.PLUGIN_X_FRAME_OPTIONS,
    ],
    [
      "frame-ancestors 'none'",
      headers({ "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'" }),
      PITCHLY_WARNINGS.PLUGIN_FRAME_ANCESTORS,
    ],
    [
      "helmet allowing the platform",
      helmet({ contentSecurityPolicy: { directives: { frameAncestors: ["'self'", PLATFORM] } }, frameguard: false }),
      undefined,
    ],
    ["a wildcard host source", headers({ "Content-Security-Policy": "frame-ancestors https://*.pitchly.com" }), undefined],
    [
      "frame-ancestors overriding X-Frame-Options",
      headers({ "Content-Security-Policy": `frame-ancestors ${PLATFORM}`, "X-Frame-Options": "DENY" }),
      undefined,
    ],
    ["no framing headers at all", headers({}), undefined],
  ])("the first protected response with %s", async (_label, before, expected) => {
    const { app, codes, messages } = pluginApp({ before, cookie: PLUGIN_COOKIE, trustProxy: true });
    await request(app).get("/page").set("X-Forwarded-Proto", "https").set("Accept", "text/html").expect(302);
    await request(app).get("/page").set("X-Forwarded-Proto", "https").set("Accept", "text/html").expect(302);
    expect(codes()).toEqual(expected === undefined ? [] : [expected]);
    if (expected !== undefined) expect(messages()).toContain(`frameAncestors: ["'self'", "${PLATFORM}"]`);
  });
});

describe("CSRF still holds for a framed app", () => {
  test("a cross-site logout is refused even from the platform origin; the app's own framed page signs out", async () => {
    // The cookie's attributes change which requests carry it, not this check (supertest's jar keeps no Secure cookie on http).
    const { app } = pluginApp();
    const agent = request.agent(app);
    await signInThrough(local.mock, agent);
    await agent.get("/page").expect(200);
    for (const origin of [PLATFORM, "https://evil.example"]) {
      const refused = await agent
        .post("/auth/pitchly/logout")
        .set("Origin", origin)
        .set("Sec-Fetch-Site", "cross-site")
        .expect(403);
      expect(refused.body).toEqual({ error: "cross_site_request" });
      await agent.get("/page").expect(200);
    }
    // Framing does not change Sec-Fetch-Site: the framed app's own form post is same-origin.
    await agent.post("/auth/pitchly/logout").set("Origin", APP_ORIGIN).set("Sec-Fetch-Site", "same-origin").expect(302);
    await agent.get("/page").set("Accept", "application/json").expect(401);
  });
});

function headers(values: Record<string, string>): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of Object.entries(values)) res.setHeader(name, value);
    next();
  };
}
