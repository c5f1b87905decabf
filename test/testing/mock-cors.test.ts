// CORS on the local Pitchly: preflights and Allow-Origin on /graphql and the token endpoints, never credentials.
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { SECRET } from "./mock-helpers";

const SPA_ORIGIN = "http://localhost:3000";
let pitchly: MockPitchly;

beforeAll(async () => {
  pitchly = await startMockPitchly({
    clients: [
      { clientId: "app", clientSecret: SECRET, redirectUris: [`${SPA_ORIGIN}/auth/pitchly/callback`] },
      { clientId: "spa", redirectUris: [`${SPA_ORIGIN}/spa`] },
    ],
  });
});
afterAll(() => pitchly.close());

const preflight = (path: string, requestHeaders = "authorization, content-type") =>
  fetch(`${pitchly.url}${path}`, {
    method: "OPTIONS",
    headers: { Origin: SPA_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": requestHeaders },
  });

describe("CORS preflight", () => {
  test.each(["/graphql", "/api/graphql", "/oauth/token", "/api/oauth/token"])(
    "OPTIONS %s → 204 allowing POST, Authorization, Content-Type",
    async (path) => {
      const res = await preflight(path);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toContain("POST");
      const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type"]));
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(await res.text()).toBe("");
    },
  );

  test("the consent pages get no CORS: OPTIONS /oauth/authorize is still 405", async () => {
    const res = await preflight("/oauth/authorize");
    expect(res.status).toBe(405);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("a preflight counts as no GraphQL call", async () => {
    pitchly.resetStats();
    await preflight("/graphql");
    expect(pitchly.stats.graphql).toBe(0);
  });
});

describe("CORS on actual answers", () => {
  test("POST /api/graphql (success and UNAUTHENTICATED) carries Allow-Origin and no Allow-Credentials", async () => {
    const { access_token } = pitchly.issueTokens({ clientId: "spa", generation: "platform" });
    for (const bearer of [access_token, "plyu_unknown"]) {
      const res = await fetch(pitchly.platformGraphqlUrl, {
        method: "POST",
        headers: { Origin: SPA_ORIGIN, "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query: "query { viewer { person { name } } }" }),
      });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      const body = (await res.json()) as { data?: { viewer: { person: { name: string } } }; errors?: unknown[] };
      if (bearer === access_token) expect(body.data?.viewer.person.name).toBe("Ada Lovelace");
      else expect(body.errors).toHaveLength(1);
    }
  });

  test("POST /oauth/token errors and injected faults carry Allow-Origin too", async () => {
    const refused = await fetch(`${pitchly.url}/oauth/token`, {
      method: "POST",
      headers: { Origin: SPA_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "prt_nope", client_id: "spa" }),
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");

    pitchly.setFaults({ token: { status: 503, times: 1 } });
    const failed = await fetch(`${pitchly.url}/api/oauth/token`, { method: "POST", headers: { Origin: SPA_ORIGIN } });
    expect(failed.status).toBe(503);
    expect(failed.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("the consent page answer carries no Allow-Origin", async () => {
    const url = new URL("/oauth/authorize", pitchly.url);
    url.search = new URLSearchParams({
      response_type: "token",
      client_id: "spa",
      redirect_uri: `${SPA_ORIGIN}/spa`,
      state: "s",
    }).toString();
    const res = await fetch(url, { headers: { Origin: SPA_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
