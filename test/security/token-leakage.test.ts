// Threat: credential leakage to the front channel and the logs (RFC 6749 §10.3, §10.5; RFC 9700 §4.2
// Referer leakage; OWASP logging): every byte sent to the browser and every log line of a long, messy
// session is searched for the client secret, codes, tokens and PKCE verifiers.
import { inspect } from "node:util";
import express from "express";
import session from "express-session";
import request from "supertest";
import type { Fault } from "express-pitchly/testing";
import { DATABASES_QUERY, ORG_VARIABLES, advanceClock, storedGrant } from "../helpers/app";
import { findLeaks } from "./helpers/recorder";
import { secureHarness, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

const TWO_HOURS = 2 * 60 * 60 * 1000;
const MARKER = "PROVIDER-BODY-MARKER";

/** The next token call misbehaves this way (the local Pitchly's faults), then Pitchly is itself again. */
const once = (sh: SecureHarness, fault: Fault) => sh.mock.setFaults({ token: { ...fault, times: 1 } });

/** What a misbehaving Pitchly might echo back: the very credentials it was sent. */
function echoing(status: number, secrets: string[], error = "invalid_grant"): Fault {
  return { status, body: JSON.stringify({ error, error_description: `${MARKER} ${secrets.join(" ")}`, debug: secrets }) };
}

/** A second app on the same sessions, rendering errors with Express's default handler (stack traces in development). */
function bareApp(sh: SecureHarness) {
  const app = express();
  app.use(session({ secret: "test-session-secret", resave: false, saveUninitialized: false, store: sh.store }));
  app.use(sh.auth.router);
  app.get("/whoami", sh.auth.requirePitchlyToken(), (req, res) => res.json({ pitchly: req.pitchly }));
  app.get("/inspect", sh.auth.requirePitchlyToken(), (req, res) => res.type("text").send(inspect(req.pitchly, { depth: 5 })));
  app.get("/me", sh.auth.requirePitchlyToken(), async (req, res, next) => {
    await req.pitchly.graphql(DATABASES_QUERY, ORG_VARIABLES).then((d) => res.json(d), next);
  });
  return sh.serve(app);
}

it("leaks nothing across a whole messy session: login, calls, refreshes, Pitchly failures, errors, logout", async () => {
  const sh = await secureHarness({ auth: { pkce: true } });
  const agent = sh.agent();
  const bare = bareApp(sh);
  const cookie = () => agent.jar.getCookies({ domain: "127.0.0.1", path: "/", secure: false, script: false }).toValueString();
  const grant = () => {
    sh.harvest();
    return storedGrant(sh.store).tokens!;
  };

  // Sign in through a protected page, with PKCE.
  const page = await agent.get("/page?tab=1").set("Accept", "text/html").expect(302);
  expect((await sh.signIn(agent, page.headers.location as string)).headers.location).toBe("/page?tab=1");
  await agent.get("/page?tab=1").expect(200);
  await agent.get("/api/me").expect(200);
  await agent.get("/api/token").expect(200);
  for (const path of ["/whoami", "/inspect", "/me"]) await request(bare).get(path).set("Cookie", cookie()).expect(200);

  // Rotations: forced, then on expiry.
  let tokens = grant();
  await agent.post("/api/refresh").expect(200);
  tokens = grant();
  advanceClock(TWO_HOURS);
  await agent.get("/api/me").expect(200);
  tokens = grant();

  // Pitchly misbehaving during refresh, echoing what it was sent.
  const echoes = () => [tokens.accessToken, tokens.refreshToken!, "s3cret-test-client-secret"];
  advanceClock(2 * TWO_HOURS);
  once(sh, echoing(500, echoes(), "server_error"));
  await agent.get("/api/me").expect(503);
  once(sh, echoing(401, echoes(), "invalid_client"));
  expect((await request(bare).get("/me").set("Cookie", cookie())).status).toBe(502);
  once(sh, { status: 200, body: JSON.stringify({ access_token: 42, refresh_token: tokens.refreshToken, note: MARKER }) });
  await agent.get("/api/me").expect(503);
  once(sh, { status: 200, headers: { "content-type": "text/html" }, body: `<html>${MARKER} ${echoes().join(" ")}</html>` });
  await agent.get("/api/me").expect(503);
  once(sh, echoing(400, echoes()));
  await agent.get("/page").set("Accept", "text/html").expect(302);
  await agent.get("/api/me").expect(401);
  jest.restoreAllMocks();

  // A failed exchange echoing the code and verifier, then a declined consent with a token-looking description.
  const failing = await sh.approvedCallback(agent);
  once(sh, echoing(400, [new URL(failing, "http://x").searchParams.get("code")!, ...sh.secrets]));
  expect((await agent.get(failing)).status).toBe(400);
  const login = await agent.get("/auth/pitchly/login").expect(302);
  const denied = new URL(await sh.mock.deny(login.headers.location as string));
  denied.searchParams.set("error_description", `pat_${MARKER} prt_${MARKER}`);
  await agent.get(`${denied.pathname}${denied.search}`).expect(403);

  // Back in, a replayed callback, a forged one, then logout and the dead cookie.
  const good = await sh.approvedCallback(agent);
  await agent.get(good).expect(302);
  tokens = grant();
  await agent.get(good).expect(400);
  await request(bare)
    .get(`${good.replace(/state=[^&]+/, "state=forged")}`)
    .set("Cookie", cookie())
    .expect(400);
  const before = cookie();
  await agent.post("/auth/pitchly/logout").expect(302);
  await request(bare).get("/whoami").set("Cookie", before).expect(401);

  sh.harvest();
  expect(sh.secrets.size).toBeGreaterThan(10);
  expect(sh.recording.logs.length).toBeGreaterThan(10);
  expect(sh.recording.wire()).toContain("HTTP/1.1 302");
  expect(sh.recording.wire()).toContain("Contacts");
  expect(findLeaks(sh.recording, [...sh.secrets, MARKER, ...[...sh.secrets].map((s) => s.slice(4))])).toEqual([]);
});

describe("token endpoint error bodies", () => {
  it.each([
    ["400 invalid_grant", echoing(400, ["pat_echo", "prt_echo"])],
    ["401 invalid_client", echoing(401, ["pat_echo"], "invalid_client")],
    ["500 with HTML", { status: 500, headers: { "content-type": "text/html" }, body: `<h1>${MARKER}</h1>` }],
    ["200 that is not a token set", { status: 200, body: JSON.stringify({ error: MARKER, access_token: ["pat_echo"] }) }],
  ])("%s at the code exchange never reaches the page or the logs", async (_name, answer: Fault) => {
    const sh = await secureHarness({ auth: { pkce: false } });
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    once(sh, answer);
    const res = await agent.get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toContain(MARKER);
    expect(findLeaks(sh.recording, [MARKER])).toEqual([]);
  });
});

describe("what the callback's pages tell the browser", () => {
  it.each([
    ["a successful callback", (path: string) => path],
    ["a failed callback", (path: string) => `${path}&error=server_error`],
  ])("%s is no-store and sends no Referer onwards (the URL holds the code)", async (_name, make) => {
    const sh = await secureHarness();
    const agent = sh.agent();
    const res = await agent.get(make(await sh.approvedCallback(agent)));
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("keeps tokens out of res.json(req.pitchly) and util.inspect(req.pitchly)", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    await sh.signIn(agent);
    const bare = bareApp(sh);
    const cookie = agent.jar.getCookies({ domain: "127.0.0.1", path: "/", secure: false, script: false }).toValueString();
    const json = await request(bare).get("/whoami").set("Cookie", cookie).expect(200);
    expect(Object.keys(json.body.pitchly).sort()).toEqual(["expiresAt", "grantKey"]);
    const text = await request(bare).get("/inspect").set("Cookie", cookie).expect(200);
    expect(text.text).toMatch(/^PitchlyClient /);
  });
});

describe("GraphQL errors", () => {
  it("never carry the access token Pitchly may quote back to the app's error page", async () => {
    const sh = await secureHarness();
    const agent = sh.agent();
    await sh.signIn(agent);
    const token = storedGrant(sh.store).tokens!.accessToken;
    sh.mock.setFaults({
      graphql: { body: JSON.stringify({ errors: [{ message: `no access for ${token}`, extensions: { token } }] }) },
    });
    const res = await agent.post("/api/query").send({ query: "query { __typename }" }).expect(502);
    expect(res.body.errors[0].message).toBe("no access for [redacted]");
    expect((await agent.get("/api/me").expect(502)).body.message).toBe("Pitchly GraphQL error: no access for [redacted]");
  });
});
