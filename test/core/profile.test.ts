// Who signed in: the platform's identity query once at login, kept with the grant, on req.pitchly and onLogin.
import request from "supertest";
import type { OnLoginContext, PitchlyProfile } from "express-pitchly";
import { MemoryTokenStore, pitchlyAuth } from "express-pitchly";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, createHarness, signIn, storedSessions, type Harness } from "../helpers/app";
import { PLATFORM_ORG, createPlatformHarness } from "../helpers/platform";

let h: Harness;
afterEach(() => h?.close());

const identityCalls = (h: Harness) =>
  h.mock.requests.filter((r) => r.path.endsWith("graphql") && r.body.includes("PitchlyIdentity"));

function withProfileRoute(harness: Harness): Harness {
  harness.app.get("/api/profile", harness.auth.requirePitchlyToken(), (req, res) => {
    res.json({ profile: req.pitchly.profile ?? null });
  });
  return harness;
}

const ADA = {
  id: expect.stringMatching(/^psn[A-Za-z0-9]{17}$/),
  name: "Ada Lovelace",
  email: "ada@example.com",
  image: null,
  organizationId: PLATFORM_ORG,
  tier: "pro",
};

describe("profile on the platform (default on)", () => {
  it("is fetched once at login, passed to onLogin and served as req.pitchly.profile", async () => {
    const seen: OnLoginContext[] = [];
    h = withProfileRoute(await createPlatformHarness({ auth: { onLogin: (ctx) => void seen.push(ctx) } }));
    const agent = request.agent(h.app);
    expect((await signIn(h, agent)).status).toBe(302);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.profile).toEqual(ADA);
    const res = await agent.get("/api/profile").expect(200);
    expect(res.body.profile).toEqual({ ...ADA, id: seen[0]?.profile?.id });
    await agent.get("/api/profile").expect(200);
    expect(identityCalls(h)).toHaveLength(1);
  });

  it("also with a tokenStore (the profile stays in the session, small)", async () => {
    h = withProfileRoute(await createPlatformHarness({ auth: { tokenStore: new MemoryTokenStore() } }));
    const agent = request.agent(h.app);
    await signIn(h, agent);
    expect((await agent.get("/api/profile").expect(200)).body.profile).toEqual(ADA);
    const session = Object.values(storedSessions(h.store)).find((s) => s.pitchly)!;
    expect(JSON.stringify(session.pitchlyProfile).length).toBeLessThan(512);
    expect(JSON.stringify(session)).not.toMatch(/plyu_/);
  });

  it("a failing identity query fails the sign-in with profile_failed and leaves nobody signed in", async () => {
    const store = new MemoryTokenStore();
    let logins = 0;
    h = withProfileRoute(await createPlatformHarness({ auth: { tokenStore: store, onLogin: () => void logins++ } }));
    h.mock.setFaults({ graphql: { status: 500, times: 1 } });
    const agent = request.agent(h.app);
    const res = await signIn(h, agent);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe("profile_failed");
    expect(logins).toBe(0);
    expect(Object.values(storedSessions(h.store)).filter((s) => s.pitchly || s.pitchlyProfile)).toHaveLength(0);
    expect((store as unknown as { grants: Map<string, unknown> }).grants.size).toBe(0);
    await agent.get("/api/profile").set("Accept", "application/json").expect(401);
  });

  it("an answer without viewer.person fails the sign-in with profile_failed (502)", async () => {
    h = await createPlatformHarness();
    h.mock.setFaults({
      graphql: { body: JSON.stringify({ data: { organization: { id: PLATFORM_ORG }, viewer: null } }), times: 1 },
    });
    const agent = request.agent(h.app);
    const res = await signIn(h, agent);
    expect([res.status, res.body.error]).toEqual([502, "profile_failed"]);
    await agent.get("/api/token").set("Accept", "application/json").expect(401);
  });

  it("profile: false turns it off: no identity query, profile undefined", async () => {
    const seen: Array<PitchlyProfile | undefined> = [];
    h = withProfileRoute(
      await createPlatformHarness({ auth: { profile: false, onLogin: ({ profile }) => void seen.push(profile) } }),
    );
    const agent = request.agent(h.app);
    await signIn(h, agent);
    expect(seen).toEqual([undefined]);
    expect((await agent.get("/api/profile").expect(200)).body.profile).toBeNull();
    expect(identityCalls(h)).toHaveLength(0);
  });
});

describe("profile on v2 (off unless the app gives a query and a mapper)", () => {
  it("is off by default", async () => {
    h = withProfileRoute(await createHarness());
    const agent = request.agent(h.app);
    await signIn(h, agent);
    expect((await agent.get("/api/profile").expect(200)).body.profile).toBeNull();
    expect(h.mock.stats.graphql).toBe(0);
  });

  it("runs the app's own query with the accessToken argument and maps it", async () => {
    h = withProfileRoute(
      await createHarness({
        auth: {
          profile: {
            query:
              "query Me($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { _id } }",
            variables: { org: PLATFORM_ORG },
            map: (data) => ({
              id: "v2-user",
              organizationId: PLATFORM_ORG,
              databases: (data as { databases: unknown[] }).databases.length,
            }),
          },
        },
      }),
    );
    const agent = request.agent(h.app);
    await signIn(h, agent);
    expect((await agent.get("/api/profile").expect(200)).body.profile).toEqual({
      id: "v2-user",
      organizationId: PLATFORM_ORG,
      databases: 2,
    });
  });

  it("a mapper that throws, or returns no id, fails the sign-in", async () => {
    h = await createHarness({
      auth: {
        profile: {
          query: "query Q($accessToken: String, $o: ID!) { databases(accessToken: $accessToken, organizationId: $o) { _id } }",
          variables: { o: PLATFORM_ORG },
          map: () => ({ id: "" }),
        },
      },
    });
    const agent = request.agent(h.app);
    const res = await signIn(h, agent);
    expect([res.status, res.body.error]).toEqual([502, "profile_failed"]);
  });

  it("refuses a profile option that is neither false nor { query, map }", () => {
    const base = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
    expect(() => pitchlyAuth({ ...base, profile: { query: 1 } as never })).toThrow(/profile: must be false or \{ query/);
    expect(() => pitchlyAuth({ ...base, profile: true as never })).toThrow(/profile:/);
  });
});
