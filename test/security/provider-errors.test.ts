// Threat: Pitchly's error redirect as an injection vector (RFC 6749 §4.1.2.1, §10.14; OWASP XSS): the error
// code is mapped, error_description and error_uri never reach the page, and an error never loops back into login.
import express from "express";
import session from "express-session";
import request from "supertest";
import { catchAllApp } from "../helpers/app";
import { secureHarness, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

const HOSTILE = {
  error_description: "<script>alert(document.cookie)</script> please sign in at https://evil.example",
  error_uri: "javascript:alert(1)//https://evil.example/help",
};

/** Everything the browser got, headers and body, as one string. */
function everything(res: request.Response): string {
  return `${JSON.stringify(res.headers)}\n${res.text}`;
}

function expectNothingReflected(res: request.Response): void {
  const all = everything(res);
  for (const needle of ["<script", "alert(", "evil.example", "javascript:", "please sign in", "href", "<a "]) {
    expect(all).not.toContain(needle);
  }
}

/** A state this session really issued, plus Pitchly's error answer built around it. */
async function errorCallback(agent: ReturnType<SecureHarness["agent"]>, error: string): Promise<string> {
  const login = await agent.get("/auth/pitchly/login").expect(302);
  const state = new URL(login.headers.location as string).searchParams.get("state")!;
  const params = new URLSearchParams({ error, ...HOSTILE, state });
  return `/auth/pitchly/callback?${params.toString()}`;
}

describe("Pitchly's documented errors", () => {
  it("maps a real Deny at the consent page to 403 access_denied, with nothing reflected", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const denied = new URL(await sh.mock.deny(login.headers.location as string));
    expect(denied.searchParams.get("error")).toBe("access_denied");
    for (const [key, value] of Object.entries(HOSTILE)) denied.searchParams.set(key, value);
    const res = await agent.get(`${denied.pathname}${denied.search}`).expect(403);
    expect(res.body.error).toBe("access_denied");
    expect(res.headers.location).toBeUndefined();
    expectNothingReflected(res);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
  });

  it.each([
    ["server_error", 502],
    ["invalid_scope", 502],
    ["invalid_request", 502],
    ["unauthorized_client", 502],
    ["temporarily_unavailable", 503],
  ])("maps %s to %i as a provider_error, without a redirect", async (error, status) => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const res = await agent.get(await errorCallback(agent, error));
    expect(res.status).toBe(status);
    expect(res.body.error).toBe("provider_error");
    expect(res.body.message).toBe(`Pitchly reported an error: ${error}`);
    expect(res.headers.location).toBeUndefined();
    if (status === 503) expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expectNothingReflected(res);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
  });

  it.each([
    ["markup", "<img src=x onerror=alert(1)>"],
    ["a header injection", "server_error\r\nSet-Cookie: pwned=1"],
    ["an unknown code", "please_visit_evil_example"],
    ["a huge value", "e".repeat(5000)],
  ])("answers a made-up error (%s) with a plain 400", async (_name, error) => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const res = await agent.get(await errorCallback(agent, error));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("provider_error");
    expect(res.headers["set-cookie"] ?? []).not.toEqual(expect.arrayContaining([expect.stringContaining("pwned")]));
    expect(everything(res)).not.toContain(error.slice(0, 40));
    expectNothingReflected(res);
  });

  it("treats an error without this session's state as a state failure, so nobody can script error pages", async () => {
    const sh = await secureHarness();
    const params = new URLSearchParams({ error: "server_error", ...HOSTILE, state: "forged" });
    const res = await sh.agent().get(`/auth/pitchly/callback?${params.toString()}`).expect(400);
    expect(res.body.error).toBe("state_mismatch");
    expectNothingReflected(res);
  });
});

describe("rendered by Express's own error handler", () => {
  it("escapes the page and never turns error_uri into a link", async () => {
    const sh = await secureHarness();
    const app = express();
    app.use(session({ secret: "s", resave: false, saveUninitialized: false, store: sh.store }));
    app.use(sh.auth.router);
    const agent = request.agent(sh.serve(app));
    const res = await agent.get(await errorCallback(agent, "server_error")).expect(502);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toContain("Pitchly reported an error: server_error");
    expectNothingReflected(res);
  });
});

describe("no redirect loop", () => {
  /** Follows redirects like a browser would, pressing Deny at Pitchly; fails on a loop. */
  async function browseDenying(sh: SecureHarness, agent: request.Agent, start: string) {
    const hops: string[] = [];
    let url = start;
    for (let i = 0; i < 8; i++) {
      hops.push(url);
      if (url.startsWith(sh.mock.url)) {
        url = await sh.mock.deny(url);
        continue;
      }
      const target = new URL(url, "http://127.0.0.1:3999");
      const res = await agent.get(`${target.pathname}${target.search}`).set("Accept", "text/html");
      if (res.status < 300 || res.status >= 400) return { hops, res };
      url = res.headers.location as string;
    }
    throw new Error(`redirect loop: ${hops.join(" → ")}`);
  }

  it("stops at the error page when the user declines on a catch-all protected app", async () => {
    const sh = await secureHarness();
    const app = catchAllApp(sh.auth, sh.store);
    const agent = request.agent(sh.serve(app));
    const { hops, res } = await browseDenying(sh, agent, "/reports");
    expect(res.status).toBe(403);
    expect(hops.filter((hop) => hop.includes("/auth/pitchly/login"))).toHaveLength(1);
    expect(sh.mock.stats.authorize).toBe(1);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
  });

  it("lets the user try again after an error", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    await agent.get(await errorCallback(agent, "temporarily_unavailable")).expect(503);
    expect((await sh.signIn(agent)).status).toBe(302);
    await agent.get("/api/me").expect(200);
  });
});
