// Threat: session fixation and unsafe session setups (OWASP Session Management; express-openid-connect
// CVE-2021-41246, passport CVE-2022-25896): a new id at every login, no attacker-chosen id ever adopted,
// nobody left signed in by a refused login, and a startup self-check that names dangerous settings.
import express from "express";
import session from "express-session";
import request from "supertest";
import { pitchlyAuth } from "express-pitchly";
import { storedSessions, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from "../helpers/app";
import { MemoryTokenStoreForTests } from "./helpers/map-token-store";
import { recordingLogger } from "./helpers/recorder";
import { secureHarness, sidOf, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

describe("fixation", () => {
  it("renews an id the attacker made and planted, and leaves the attacker's copy signed out", async () => {
    const sh = await secureHarness();
    const attacker = sh.agent();
    await attacker.post("/counter").expect(200);
    const fixed = sidOf(attacker)!;
    const cookie = attacker.jar.getCookie("connect.sid", { domain: "127.0.0.1", path: "/", secure: false, script: false })!;
    const victim = sh.agent();
    victim.jar.setCookie(`connect.sid=${cookie.value}; Path=/`, "127.0.0.1", "/");
    expect((await sh.signIn(victim)).status).toBe(302);
    await victim.get("/api/me").expect(200);
    expect(sidOf(victim)).not.toBe(fixed);
    expect(Object.keys(storedSessions(sh.store))).not.toContain(fixed);
    await attacker.get("/api/me").expect(401);
    await attacker.post("/counter").expect(200, { hits: 1 });
  });

  it.each([
    ["an unsigned id", () => "attacker-chosen-session-id"],
    [
      "an id signed with another secret",
      () => encodeURIComponent("s:attacker-chosen-session-id.3q2+7w0RvW0CKv4aQAg2Xf6V6d6bJ2s5S1r6m2x7E0c"),
    ],
  ])("does not adopt %s", async (_name, value) => {
    const sh = await secureHarness();
    const victim = sh.agent();
    victim.jar.setCookie(`connect.sid=${value()}; Path=/`, "127.0.0.1", "/");
    expect((await sh.signIn(victim)).status).toBe(302);
    expect(sidOf(victim)).not.toBe("attacker-chosen-session-id");
    expect(Object.keys(storedSessions(sh.store))).not.toContain("attacker-chosen-session-id");
    await victim.get("/api/me").expect(200);
  });

  it("does not revive a correctly signed id whose session was destroyed", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    await sh.signIn(agent);
    const old = agent.jar.getCookie("connect.sid", { domain: "127.0.0.1", path: "/", secure: false, script: false })!.value;
    const oldSid = sidOf(agent)!;
    await agent.post("/auth/pitchly/logout").expect(302);
    const replayer = sh.agent();
    replayer.jar.setCookie(`connect.sid=${old}; Path=/`, "127.0.0.1", "/");
    await replayer.get("/api/me").expect(401);
    expect((await sh.signIn(replayer)).status).toBe(302);
    expect(sidOf(replayer)).not.toBe(oldSid);
  });
});

describe("a login the app refuses", () => {
  it.each([
    ["in the session", undefined],
    ["in a token store", new MemoryTokenStoreForTests()],
  ])("leaves nobody signed in when onLogin throws (tokens %s)", async (_name, tokenStore) => {
    const onLogin = jest.fn(() => Promise.reject(new Error("this Pitchly organisation is not allowed here")));
    const sh = await secureHarness({ auth: { onLogin, ...(tokenStore && { tokenStore }) } });
    const agent = sh.agent();
    const res = await sh.signIn(agent);
    expect(res.status).toBe(500);
    expect(onLogin).toHaveBeenCalledTimes(1);
    await agent.get("/api/me").expect(401);
    expect(Object.values(storedSessions(sh.store)).filter((s) => s.pitchly)).toEqual([]);
    if (tokenStore) expect(tokenStore.rows.size).toBe(0);
  });
});

describe("startup self-check", () => {
  interface Setup {
    cookie?: session.CookieOptions;
    trustProxy?: boolean | number;
    store?: session.Store;
    production?: boolean;
    redirectUri?: string;
  }

  /** Builds an app with these session settings, sends two requests, and returns the warnings logged. */
  async function warningsFor(sh: SecureHarness, setup: Setup): Promise<string[]> {
    const logs: string[] = [];
    const auth = pitchlyAuth({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: setup.redirectUri ?? REDIRECT_URI,
      baseUrl: sh.mock.url,
      logger: recordingLogger(logs),
    });
    const app = express();
    if (setup.trustProxy !== undefined) app.set("trust proxy", setup.trustProxy);
    app.use(
      session({
        secret: "s",
        resave: false,
        saveUninitialized: false,
        store: setup.store ?? new session.MemoryStore(),
        cookie: setup.cookie ?? {},
      }),
    );
    app.use(auth.router);
    const before = process.env.NODE_ENV;
    if (setup.production) process.env.NODE_ENV = "production";
    try {
      const agent = request.agent(sh.serve(app));
      await agent.get("/auth/pitchly/login").expect(302);
      await agent.get("/auth/pitchly/login").expect(302);
    } finally {
      process.env.NODE_ENV = before;
    }
    return logs
      .map((line) => JSON.parse(line) as { level: number; msg: string; module?: string })
      .filter((entry) => entry.level === 40)
      .map((entry) => {
        expect(entry.module).toBe("express-pitchly");
        return entry.msg;
      });
  }

  class SharedStore extends session.MemoryStore {}

  it.each<[string, Setup, RegExp]>([
    ["sameSite: 'strict'", { cookie: { sameSite: "strict" } }, /sameSite 'strict'.*state_mismatch.*'lax'/],
    ["sameSite: true (strict)", { cookie: { sameSite: true } }, /sameSite 'strict'/],
    ["secure cookies without trust proxy", { cookie: { secure: true } }, /secure but Express does not trust a proxy/],
    ["MemoryStore in production", { production: true }, /MemoryStore in production/],
    ["a cookie scripts can read", { cookie: { httpOnly: false } }, /not httpOnly/],
    [
      "a plain-http redirectUri off this machine",
      { redirectUri: "http://app.example/auth/pitchly/callback" },
      /plain http.*use https/,
    ],
  ])("warns once about %s", async (_name, setup, pattern) => {
    const sh = await secureHarness();
    const warnings = await warningsFor(sh, setup);
    expect(warnings.filter((w) => pattern.test(w))).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });

  it("stays quiet for a sound production setup", async () => {
    const sh = await secureHarness();
    const warnings = await warningsFor(sh, {
      cookie: { sameSite: "lax", secure: true, httpOnly: true },
      trustProxy: 1,
      store: new SharedStore(),
      production: true,
      redirectUri: "https://app.example/auth/pitchly/callback",
    });
    expect(warnings).toEqual([]);
  });

  it("shows why the secure-cookie warning matters: without trust proxy the cookie is never set", async () => {
    const sh = await secureHarness();
    const app = express();
    app.use(session({ secret: "s", resave: false, saveUninitialized: false, cookie: { secure: true } }));
    app.use(sh.auth.router);
    const login = await request(sh.serve(app)).get("/auth/pitchly/login").set("X-Forwarded-Proto", "https").expect(302);
    expect(login.headers["set-cookie"]).toBeUndefined();
  });
});
