// Threat: header and host injection (RFC 9700 §4.1 redirect_uri integrity, OWASP host header injection,
// response splitting): CR/LF never becomes a header, and no request header can move redirect_uri or the app's origin.
import { once } from "node:events";
import net from "node:net";
import type { AddressInfo } from "node:net";
import express from "express";
import session from "express-session";
import request from "supertest";
import { REDIRECT_URI } from "../helpers/app";
import { sameOrigin, secureHarness, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

const SPOOFS: Array<[string, Record<string, string>]> = [
  ["Host", { Host: "evil.example" }],
  ["X-Forwarded-Host", { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443" }],
  ["Forwarded", { Forwarded: "for=1.2.3.4;host=evil.example;proto=https" }],
  ["X-Original-Host", { "X-Original-Host": "evil.example", "X-Host": "evil.example" }],
  ["all at once", { Host: "evil.example:443", "X-Forwarded-Host": "evil.example", Forwarded: "host=evil.example" }],
];

/** An app that trusts every proxy hop: the setting most likely to let forwarded headers through. */
function trustingApp(sh: SecureHarness) {
  const app = express();
  app.set("trust proxy", true);
  app.use(session({ secret: "s", resave: false, saveUninitialized: false, store: sh.store }));
  app.use(sh.auth.router);
  app.get("/page", sh.auth.requirePitchlyToken(), (_req, res) => res.send("ok"));
  return request.agent(sh.serve(app));
}

describe("CR/LF in returnTo", () => {
  it.each([
    "%0D%0ASet-Cookie:%20pwned=1",
    "/%0D%0ASet-Cookie:%20pwned=1",
    "/x%0ASet-Cookie:%20pwned=1",
    "/x%0DLocation:%20https://evil.example",
    "/%E5%98%8A%E5%98%8DSet-Cookie:%20pwned=1",
    "/x%250D%250ASet-Cookie:%20pwned=1",
  ])("login?returnTo=%s never splits the response", async (returnTo) => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const res = await sh.signIn(agent, `/auth/pitchly/login?returnTo=${returnTo}`);
    expect(res.status).toBe(302);
    const location = res.headers.location as string;
    expect(location).not.toMatch(/[\r\n]/);
    expect(sameOrigin(location)).toBe(true);
    expect(((res.headers["set-cookie"] ?? []) as string[]).filter((c) => /^pwned/i.test(c))).toEqual([]);
    expect(Object.keys(res.headers).filter((name) => /pwned|evil/i.test(name))).toEqual([]);
  });

  it("keeps an encoded CR/LF in a protected path encoded, from the login redirect to the final Location", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const page = await agent.get("/page%0D%0ASet-Cookie:%20pwned=1").set("Accept", "text/html");
    expect([302, 404]).toContain(page.status);
    expect(((page.headers["set-cookie"] ?? []) as string[]).filter((c) => /^pwned/i.test(c))).toEqual([]);
    const protectedPage = await agent.get("/page?next=%0D%0ASet-Cookie:%20pwned=1").set("Accept", "text/html").expect(302);
    const res = await sh.signIn(agent, protectedPage.headers.location as string);
    expect(res.headers.location).toBe("/page?next=%0D%0ASet-Cookie:%20pwned=1");
    expect(((res.headers["set-cookie"] ?? []) as string[]).filter((c) => /^pwned/i.test(c))).toEqual([]);
  });
});

describe("Host and forwarded headers never move redirect_uri", () => {
  it.each(SPOOFS)(
    "spoofed %s: the authorize URL and the code exchange use the configured redirect_uri",
    async (_name, headers) => {
      const sh = await secureHarness();
      for (const agent of [sh.agent(), trustingApp(sh)]) {
        const login = await agent.get("/auth/pitchly/login").set(headers).expect(302);
        const authorize = new URL(login.headers.location as string);
        expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sh.mock.url}/oauth/authorize`);
        expect(authorize.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
        const back = new URL(await sh.mock.approve(authorize.toString()));
        expect(back.origin).toBe(new URL(REDIRECT_URI).origin);
        // The local Pitchly matches redirect_uri exactly at the exchange: a moved one would fail here.
        const done = await agent.get(`${back.pathname}${back.search}`).set(headers).expect(302);
        expect(done.headers.location).toBe("/");
      }
      expect(sh.mock.stats.token.authorization_code).toBe(2);
      expect(sh.mock.stats.token.errors).toBe(0);
    },
  );

  it.each(SPOOFS)("spoofed %s: the redirect to login stays relative", async (_name, headers) => {
    const sh = await secureHarness();
    for (const agent of [sh.agent(), trustingApp(sh)]) {
      const res = await agent.get("/page").set("Accept", "text/html").set(headers).expect(302);
      expect(res.headers.location).toBe("/auth/pitchly/login?returnTo=%2Fpage");
    }
  });

  it("ignores X-Original-URL and X-Rewrite-URL when building returnTo", async () => {
    const sh = await secureHarness();
    const res = await sh
      .agent()
      .get("/page")
      .set("Accept", "text/html")
      .set({ "X-Original-URL": "//evil.example/", "X-Rewrite-URL": "//evil.example/" })
      .expect(302);
    expect(res.headers.location).toBe("/auth/pitchly/login?returnTo=%2Fpage");
  });

  it("drops the host of an absolute-form request target", async () => {
    const sh = await secureHarness();
    if (!sh.server.listening) await once(sh.server, "listening");
    const { port } = sh.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      let text = "";
      socket.on("data", (c) => (text += c.toString("latin1")));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
      socket.end("GET http://evil.example/page HTTP/1.1\r\nHost: evil.example\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
    });
    const location = /\r\nlocation: ([^\r\n]*)/i.exec(raw)?.[1];
    expect(location).toBeDefined();
    expect(sameOrigin(location!)).toBe(true);
    expect(location).not.toContain("evil");
  });
});

describe("the app's origin comes from redirectUri, never from the request", () => {
  it.each([
    ["a spoofed Host", { Host: "evil.example", Origin: "http://evil.example" }],
    [
      "a forwarded host behind trust proxy",
      { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", Origin: "https://evil.example" },
    ],
  ])("refuses a logout whose Origin only matches %s", async (_name, headers) => {
    const sh = await secureHarness();
    for (const agent of [sh.agent(), trustingApp(sh)]) {
      await sh.signIn(agent);
      await agent.post("/auth/pitchly/logout").set(headers).expect(403);
      await agent.post("/auth/pitchly/logout").set("Origin", new URL(REDIRECT_URI).origin).expect(302);
    }
  });
});
