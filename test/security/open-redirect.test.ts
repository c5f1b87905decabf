// Threat: open redirect after login (RFC 9700 §4.11, OWASP Unvalidated Redirects; express-openid-connect
// GHSA-7p99-3798-f85c; mod_auth_openidc CVE-2019-20479 / CVE-2021-32786): wherever a destination comes
// from, the browser only ever lands on a path of this app's own origin.
import { once } from "node:events";
import net from "node:net";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { catchAllApp } from "../helpers/app";
import { pendingLogins, sameOrigin, secureHarness, sidOf, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

// The core suite covers the classic list; these are the variants that got past peers' filters.
const payloads = [
  "/／evil.example",
  "／/evil.example",
  "\\／evil.example",
  "/\\/evil.example",
  "///evil.example",
  "////evil.example",
  "%252F%252Fevil.example",
  "/%252F%252Fevil.example",
  "%255C%255Cevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "http://127.0.0.1:3999.evil.example/",
  "http://127.0.0.1:3999@evil.example/",
  "//127.0.0.1:3999@evil.example",
  "https://evil.example\\@127.0.0.1:3999/",
  "/@evil.example",
  "HTTPS://EVIL.EXAMPLE",
  "http:/\\evil.example",
  "//%09/evil.example",
  "/%0d/evil.example",
  "/\u000b/evil.example",
  "/.%2e/%2e%2e//evil.example",
  "/a/../..//evil.example",
  " /evil",
  " //evil.example",
  "\u3002evil.example",
  "/\u3002/evil.example",
  "/\u2028/evil.example",
  "javascript://%0aalert(1)",
  "java\tscript:alert(1)",
  " javascript:alert(1)",
  "vbscript:msgbox(1)",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "blob:https://evil.example/x",
  "file:///etc/passwd",
  "back",
];

async function finish(sh: SecureHarness, agent: request.Agent, loginPath: string): Promise<request.Response> {
  const login = await agent.get(loginPath).set("Referer", "https://evil.example/").expect(302);
  const back = new URL(await sh.mock.approve(login.headers.location as string));
  return agent.get(`${back.pathname}${back.search}`).set("Referer", "https://evil.example/");
}

describe("returnTo given to the login route", () => {
  it.each(payloads)("stores and follows only a same-origin path for %j", async (payload) => {
    const sh = await secureHarness();
    const agent = sh.agent();
    await agent.get(`/auth/pitchly/login?returnTo=${encodeURIComponent(payload)}`).expect(302);
    const stored = pendingLogins(sh.store, sidOf(agent))[0]?.returnTo;
    if (stored !== undefined) expect(sameOrigin(String(stored))).toBe(true);
    const res = await finish(sh, agent, `/auth/pitchly/login?returnTo=${encodeURIComponent(payload)}`);
    expect(res.status).toBe(302);
    expect(sameOrigin(res.headers.location as string)).toBe(true);
  });

  it.each([
    ["given twice", "returnTo=%2Fok&returnTo=%2F%2Fevil.example"],
    ["as returnTo[]", "returnTo[]=%2F%2Fevil.example"],
    ["as returnTo[x]", "returnTo[x]=%2F%2Fevil.example"],
    ["with broken encoding", "returnTo=%2F%2Fevil.example%ZZ"],
  ])("ignores a returnTo %s", async (_name, query) => {
    const sh = await secureHarness();
    const res = await finish(sh, sh.agent(), `/auth/pitchly/login?${query}`);
    expect(res.headers.location).toBe("/");
  });
});

describe("destinations slipped into the callback", () => {
  it("are ignored: the browser goes where its own login said", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const login = await agent.get("/auth/pitchly/login?returnTo=%2Fsaved").expect(302);
    const back = new URL(await sh.mock.approve(login.headers.location as string));
    for (const key of ["returnTo", "redirect", "redirect_uri", "next", "return_to", "continue", "successRedirect", "url"]) {
      back.searchParams.set(key, "https://evil.example/");
    }
    const res = await agent.get(`${back.pathname}${back.search}`).expect(302);
    expect(res.headers.location).toBe("/saved");
  });
});

describe("anonymous requests to a catch-all protected app", () => {
  async function catchAll(sh: SecureHarness) {
    return sh.serve(catchAllApp(sh.auth, sh.store));
  }

  it.each([
    "//evil.example",
    "//evil.example/x?y=1",
    "/\\evil.example",
    "///evil.example",
    "/.//evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
  ])("GET %s stores a same-origin returnTo and ends on this origin", async (path) => {
    const sh = await secureHarness();
    const agent = request.agent(await catchAll(sh));
    const page = await agent.get(path).set("Accept", "text/html").expect(302);
    const loginUrl = page.headers.location as string;
    expect(sameOrigin(loginUrl)).toBe(true);
    const returnTo = new URL(loginUrl, "http://x").searchParams.get("returnTo");
    if (returnTo !== null) expect(sameOrigin(returnTo)).toBe(true);
    const res = await finish(sh, agent, loginUrl);
    expect(res.status).toBe(302);
    expect(sameOrigin(res.headers.location as string)).toBe(true);
    await agent.get(res.headers.location as string).expect(200, "protected");
  });

  /** Sends a request line byte for byte, the way a hand-written client (not a browser) could. */
  function rawGet(port: number, target: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      socket.on("data", (c) => chunks.push(c));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
      socket.on("error", reject);
      socket.end(
        Buffer.concat([
          Buffer.from("GET "),
          target,
          Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nConnection: close\r\n\r\n"),
        ]),
      );
    });
  }

  it.each([
    ["fullwidth slashes as raw UTF-8", Buffer.from("/\u{ff0f}\u{ff0f}evil.example", "utf8")],
    ["a raw backslash", Buffer.from("/\\evil.example")],
    ["raw Latin-1 bytes", Buffer.from([0x2f, 0x2f, 0xa0, 0x65, 0x76, 0x69, 0x6c])],
    ["a raw tab", Buffer.from("/\t/evil.example")],
  ])("answers %s with no off-origin Location", async (_name, target) => {
    const sh = await secureHarness();
    const server = await catchAll(sh);
    if (!server.listening) await once(server, "listening");
    const raw = await rawGet((server.address() as AddressInfo).port, target);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
    expect(status).toBeGreaterThanOrEqual(300);
    expect(status).toBeLessThan(500);
    const location = /\r\nlocation: ([^\r\n]*)/i.exec(raw)?.[1];
    if (location !== undefined) {
      expect(sameOrigin(location)).toBe(true);
      const returnTo = new URL(location, "http://x").searchParams.get("returnTo");
      if (returnTo !== null) expect(sameOrigin(returnTo)).toBe(true);
    }
  });
});
