// Each generation's "this token is dead" answer: exactly one refresh and one retry, under Express 4 and 5.
import request from "supertest";
import { createHarness, signIn, CLIENT_ID, DATABASES_ANSWER, DATABASES_QUERY, ORG_VARIABLES, type Harness } from "../helpers/app";
import { ORGANIZATION_QUERY, PLATFORM_ORG, createPlatformHarness } from "../helpers/platform";
import { defaultIsTokenInvalid } from "../../src/pitchly/graphql-client";

let h: Harness;
afterEach(() => h?.close());

const GQL_TOKEN_INVALID = JSON.stringify({
  errors: [
    {
      message: "An error has occurred",
      name: "GQLError",
      time_thrown: "2026-01-01T00:00:00.000Z",
      data: { error: "token-invalid", reason: "expired" },
    },
  ],
  data: null,
});
const graphqlCalls = (h: Harness) => h.mock.requests.filter((r) => r.path === "/graphql" || r.path === "/api/graphql");

describe("v2: GQLError with data.error token-invalid", () => {
  it("is what the local Pitchly answers for an expired token: the code only in data.error", async () => {
    h = await createHarness();
    const { access_token } = h.mock.issueTokens({ clientId: CLIENT_ID });
    h.mock.expireAccessTokens();
    const res = await fetch(h.mock.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: DATABASES_QUERY, variables: { ...ORG_VARIABLES, accessToken: access_token } }),
    });
    const body = (await res.json()) as { errors: Array<Record<string, unknown>>; data: unknown };
    expect(res.status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors[0]).toMatchObject({
      message: "An error has occurred",
      name: "GQLError",
      data: { error: "token-invalid" },
    });
    expect(body.errors[0]?.extensions).toBeUndefined();
    expect(defaultIsTokenInvalid({ status: res.status, errors: body.errors })).toBe(true);
  });

  it("refreshes exactly once and retries exactly once", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.resetStats();
    h.mock.setFaults({ graphql: { body: GQL_TOKEN_INVALID, times: 1 } });
    const res = await agent.get("/api/me").expect(200);
    expect(res.body).toEqual(DATABASES_ANSWER);
    expect(h.mock.stats.token.refresh_token).toBe(1);
    expect(h.mock.stats.graphql).toBe(2);
  });

  it("gives up after the one retry when the fresh token is refused too", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.resetStats();
    h.mock.setFaults({ graphql: { body: GQL_TOKEN_INVALID } });
    const res = await agent.get("/api/me").expect(401);
    expect(res.body.error).toBe("login_required");
    expect([h.mock.stats.token.refresh_token, h.mock.stats.graphql]).toEqual([1, 2]);
  });

  it("not-authorized is not a dead token: no refresh, a PitchlyGraphQLError", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.resetStats();
    const notAuthorized = GQL_TOKEN_INVALID.replace("token-invalid", "not-authorized");
    h.mock.setFaults({ graphql: { body: notAuthorized, times: 1 } });
    const res = await agent.post("/api/query").send({ query: "{ x }" }).expect(502);
    expect(res.body.error).toBe("graphql_error");
    expect([h.mock.stats.token.refresh_token, h.mock.stats.graphql]).toEqual([0, 1]);
  });
});

describe("platform: UNAUTHENTICATED at HTTP 200", () => {
  it("refreshes exactly once and retries exactly once", async () => {
    h = await createPlatformHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent).then((r) => expect(r.status).toBe(302));
    h.mock.resetStats();
    h.mock.requests.length = 0;
    h.mock.expireAccessTokens();
    const res = await agent.post("/api/query").send({ query: ORGANIZATION_QUERY }).expect(200);
    expect(res.body.data.organization.id).toBe(PLATFORM_ORG);
    expect([h.mock.stats.token.refresh_token, h.mock.stats.graphql]).toEqual([1, 2]);
    // Both answers were HTTP 200: the first one's UNAUTHENTICATED alone triggered the refresh.
    expect(graphqlCalls(h).map((r) => [r.path, r.status])).toEqual([
      ["/api/graphql", 200],
      ["/api/graphql", 200],
    ]);
  });

  it("gives up after one retry when Pitchly keeps answering UNAUTHENTICATED", async () => {
    h = await createPlatformHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.resetStats();
    h.mock.setFaults({
      graphql: { body: JSON.stringify({ errors: [{ message: "no", extensions: { code: "UNAUTHENTICATED" } }], data: null }) },
    });
    // /api/query answers 502 with the error's code for every failure.
    const res = await agent.post("/api/query").send({ query: ORGANIZATION_QUERY }).expect(502);
    expect(res.body.error).toBe("login_required");
    expect([h.mock.stats.token.refresh_token, h.mock.stats.graphql]).toEqual([1, 2]);
  });
});

describe("defaultIsTokenInvalid", () => {
  it.each([
    [
      "v2 GQLError data.error",
      { status: 200, errors: [{ message: "An error has occurred", data: { error: "token-invalid" } }] },
      true,
    ],
    ["platform UNAUTHENTICATED", { status: 200, errors: [{ message: "x", extensions: { code: "UNAUTHENTICATED" } }] }, true],
    ["message token-invalid", { status: 200, errors: [{ message: "token-invalid" }] }, true],
    ["extensions.code token-invalid", { status: 200, errors: [{ message: "x", extensions: { code: "token-invalid" } }] }, true],
    ["HTTP 401", { status: 401, errors: [] }, true],
    [
      "v2 not-authorized",
      { status: 200, errors: [{ message: "An error has occurred", data: { error: "not-authorized" } }] },
      false,
    ],
    ["data.error not a string", { status: 200, errors: [{ message: "x", data: { error: ["token-invalid"] } }] }, false],
    ["FORBIDDEN", { status: 200, errors: [{ message: "x", extensions: { code: "FORBIDDEN" } }] }, false],
  ])("%s → %s", (_name, answer, expected) => {
    expect(defaultIsTokenInvalid(answer)).toBe(expected);
  });
});
