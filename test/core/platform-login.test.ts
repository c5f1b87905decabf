// The platform generation's sign-in: PKCE on by default (the local Pitchly refuses a login without it), its endpoints.
import request from "supertest";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, signIn, storedGrant, type Harness } from "../helpers/app";
import { ORGANIZATION_QUERY, PLATFORM_ORG, createPlatformHarness } from "../helpers/platform";
import { resolveEndpoints } from "../../src/pitchly/endpoints";
import { parseOptions } from "../../src/options/schema";

let h: Harness;
afterEach(() => h?.close());

const base = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };

describe("platform sign-in", () => {
  it("sends an S256 challenge by default, and the local Pitchly accepts the login", async () => {
    h = await createPlatformHarness();
    const agent = request.agent(h.app);
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const authorize = new URL(login.headers.location as string);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = new URL(await h.mock.approve(authorize.toString()));
    await agent.get(`${back.pathname}${back.search}`).expect(302);
    expect(storedGrant(h.store).tokens?.accessToken).toMatch(/^plyu_/);
    const exchange = h.mock.requests.find((r) => r.path === "/api/oauth/token");
    expect(new URLSearchParams(exchange?.body).get("code_verifier")).toMatch(/^\[secret:/);
    const res = await agent.post("/api/query").send({ query: ORGANIZATION_QUERY }).expect(200);
    expect(res.body.data.organization.id).toBe(PLATFORM_ORG);
  });

  it("pkce: false is refused by the local Pitchly at its authorize endpoint: nobody is signed in", async () => {
    h = await createPlatformHarness({ auth: { pkce: false } });
    const agent = request.agent(h.app);
    const login = await agent.get("/auth/pitchly/login").expect(302);
    expect(new URL(login.headers.location as string).searchParams.has("code_challenge")).toBe(false);
    const refusal = await fetch(login.headers.location as string, { redirect: "manual" });
    const back = new URL(refusal.headers.get("location") ?? "");
    expect(back.searchParams.get("error")).toBe("invalid_request");
    const callback = await agent.get(`${back.pathname}${back.search}`);
    expect(callback.status).toBeGreaterThanOrEqual(400);
    expect(h.mock.stats.token.authorization_code).toBe(0);
    await agent.get("/api/token").set("Accept", "application/json").expect(401);
  });

  it("pkce: false is refused at the platform token endpoint too, when the authorize step let it through", async () => {
    // A client with no generation of its own: only the token endpoint the code is redeemed at decides.
    h = await createPlatformHarness({
      auth: { pkce: false },
      mock: { clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }] },
    });
    const agent = request.agent(h.app);
    const res = await signIn(h, agent);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("token_exchange_failed");
    await agent.get("/api/token").set("Accept", "application/json").expect(401);
  });
});

describe("generation defaults", () => {
  it("pkce defaults to true on the platform, false on v2, and an explicit value wins", () => {
    expect(parseOptions({ ...base, platform: "platform" }).pkce).toBe(true);
    expect(parseOptions({ ...base }).pkce).toBe(false);
    expect(parseOptions({ ...base, platform: "v2", pkce: true }).pkce).toBe(true);
    expect(parseOptions({ ...base, platform: "platform", pkce: false }).pkce).toBe(false);
  });

  it("the platform's GraphQL lives at api.pitchly.com; a baseUrl of one's own serves it at {baseUrl}/api/graphql", () => {
    expect(resolveEndpoints({ platform: "platform" })).toEqual({
      authorizeUrl: "https://platform.pitchly.com/oauth/authorize",
      tokenUrl: "https://platform.pitchly.com/api/oauth/token",
      graphqlUrl: "https://api.pitchly.com/graphql",
      subscriptionsUrl: "wss://platform.pitchly.com/subscriptions",
    });
    expect(resolveEndpoints({ platform: "platform", baseUrl: "https://platform.pitchly.com/" }).graphqlUrl).toBe(
      "https://api.pitchly.com/graphql",
    );
    expect(resolveEndpoints({ platform: "platform", baseUrl: "http://127.0.0.1:4000" }).graphqlUrl).toBe(
      "http://127.0.0.1:4000/api/graphql",
    );
    expect(
      resolveEndpoints({ platform: "platform", baseUrl: "http://127.0.0.1:4000", graphqlUrl: "http://127.0.0.1:5000/gql" })
        .graphqlUrl,
    ).toBe("http://127.0.0.1:5000/gql");
    expect(resolveEndpoints({ platform: "v2" }).graphqlUrl).toBe("https://v2.pitchly.net/graphql");
    expect(resolveEndpoints({ platform: "v2", baseUrl: "http://127.0.0.1:4000" }).graphqlUrl).toBe(
      "http://127.0.0.1:4000/graphql",
    );
  });
});
