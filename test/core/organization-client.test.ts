// clientForOrganization(): the app's token per organization, one token call at a time, 503 on outage, never logged.
import { Writable } from "node:stream";
import express from "express";
import pino from "pino";
import request from "supertest";
import { PitchlyConfigError, isPitchlyAuthError, pitchlyAuth } from "express-pitchly";
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from "../helpers/app";
import { sleep } from "../helpers/services";
import { ORGANIZATION_QUERY, PLATFORM_ORG } from "../helpers/platform";

const OTHER_ORG = "orgSecondOrg00000001";
let mock: MockPitchly;
afterEach(() => mock?.close());

async function setUp(ttlSeconds?: number) {
  mock = await startMockPitchly({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], generation: "platform" }],
    organizations: [
      { id: PLATFORM_ORG, name: "Pitchly Demo Co" },
      { id: OTHER_ORG, name: "Second Org" },
    ],
    ...(ttlSeconds !== undefined && { accessTokenTtlSeconds: ttlSeconds }),
  });
  const lines: string[] = [];
  const logger = pino({ level: "trace" }, new Writable({ write: (chunk, _enc, done) => done(void lines.push(String(chunk))) }));
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    platform: "platform",
    baseUrl: mock.url,
    logger,
    httpTimeoutMs: 2000,
  });
  return { auth, lines };
}

describe("clientForOrganization", () => {
  it("50 concurrent calls make one token call; the token is reused until it expires, then one more", async () => {
    const { auth } = await setUp(2);
    const org = auth.clientForOrganization(PLATFORM_ORG);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => org.graphql<{ organization: { id: string } }>(ORGANIZATION_QUERY)),
    );
    expect(answers.every((a) => a.organization.id === PLATFORM_ORG)).toBe(true);
    expect(mock.stats.token.client_credentials).toBe(1);
    const form = new URLSearchParams(mock.requests.find((r) => r.path === "/api/oauth/token")?.body);
    expect([form.get("grant_type"), form.get("organization_id")]).toEqual(["client_credentials", PLATFORM_ORG]);
    // Another client for the same organization shares the cache.
    await auth.clientForOrganization(PLATFORM_ORG).getAccessToken();
    expect(mock.stats.token.client_credentials).toBe(1);
    // 2 s lifetime: the leeway is clamped to 1 s, so after ~1 s the token is renewed, once for 20 callers.
    await sleep(1100);
    await Promise.all(Array.from({ length: 20 }, () => org.getAccessToken()));
    expect(mock.stats.token.client_credentials).toBe(2);
  });

  it("each organization has its own token, and acts inside that organization", async () => {
    const { auth } = await setUp();
    const [a, b] = await Promise.all(
      [PLATFORM_ORG, OTHER_ORG].map((id) =>
        auth.clientForOrganization(id).graphql<{ organization: { id: string } }>(ORGANIZATION_QUERY),
      ),
    );
    expect([a?.organization.id, b?.organization.id]).toEqual([PLATFORM_ORG, OTHER_ORG]);
    expect(mock.stats.token.client_credentials).toBe(2);
  });

  it("a token Pitchly invalidates early is replaced once and the query retried once", async () => {
    const { auth } = await setUp();
    const org = auth.clientForOrganization(PLATFORM_ORG);
    const before = await org.getAccessToken();
    mock.expireAccessTokens();
    mock.resetStats();
    await Promise.all(Array.from({ length: 10 }, () => org.graphql(ORGANIZATION_QUERY)));
    expect(mock.stats.token.client_credentials).toBe(1);
    expect(await org.getAccessToken()).not.toBe(before);
  });

  it("answers 503 (pitchly_unavailable) when the token endpoint is down, and recovers after", async () => {
    const { auth } = await setUp();
    const app = express();
    app.get("/job", async (_req, res) => {
      try {
        res.json(await auth.clientForOrganization(PLATFORM_ORG).graphql(ORGANIZATION_QUERY));
      } catch (err) {
        res.status(isPitchlyAuthError(err) ? err.status : 500).json({ error: isPitchlyAuthError(err) ? err.code : "internal" });
      }
    });
    mock.setFaults({ token: { status: 503, times: 1 } });
    const down = await request(app).get("/job").expect(503);
    expect(down.body.error).toBe("pitchly_unavailable");
    const up = await request(app).get("/job").expect(200);
    expect(up.body.organization.id).toBe(PLATFORM_ORG);
  });

  it("honours Pitchly's Retry-After for that organization only: no token call until it passes, then recovery", async () => {
    const { auth } = await setUp();
    mock.setFaults({ token: { retryAfter: 1, times: 1 } });
    await expect(auth.clientForOrganization(PLATFORM_ORG).getAccessToken()).rejects.toMatchObject({
      code: "pitchly_unavailable",
      retryAfter: 1,
    });
    const calls = mock.stats.token.client_credentials;
    await expect(auth.clientForOrganization(PLATFORM_ORG).getAccessToken()).rejects.toMatchObject({
      code: "pitchly_unavailable",
    });
    expect(mock.stats.token.client_credentials).toBe(calls);
    // Another organization is not held back.
    await expect(auth.clientForOrganization(OTHER_ORG).getAccessToken()).resolves.toEqual(expect.any(String));
    await sleep(1100);
    await expect(auth.clientForOrganization(PLATFORM_ORG).getAccessToken()).resolves.toEqual(expect.any(String));
    expect(mock.stats.token.client_credentials).toBe(calls + 2);
  });

  it("never logs or serialises the app token", async () => {
    const { auth, lines } = await setUp();
    const org = auth.clientForOrganization(PLATFORM_ORG);
    const token = await org.getAccessToken();
    mock.setFaults({ graphql: { status: 500, times: 1 } });
    await expect(org.graphql(ORGANIZATION_QUERY)).rejects.toMatchObject({ code: "pitchly_unavailable" });
    expect(JSON.stringify(org)).toBe(JSON.stringify({ organizationId: PLATFORM_ORG }));
    expect(JSON.stringify({ ...org })).not.toContain(token);
    expect(lines.join("")).not.toContain(token);
    expect(lines.join("")).not.toContain(CLIENT_SECRET);
  });

  it("is a platform grant: refused on v2, and for an empty organization id", async () => {
    const { auth } = await setUp();
    expect(() => auth.clientForOrganization("")).toThrow(TypeError);
    const v2 = pitchlyAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, baseUrl: mock.url });
    expect(() => v2.clientForOrganization(PLATFORM_ORG)).toThrow(PitchlyConfigError);
  });
});
