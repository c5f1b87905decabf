// graphql(): Bearer header plus accessToken variable, token-invalid handling and error mapping, on loopback.
import { graphql, type BrowserToken } from "express-pitchly/browser";
import { DEFAULT_ORGANIZATION, secretMarker, type MockPitchly } from "express-pitchly/testing";
import { fakeBrowser, rejection } from "./fake-browser";
import { SPA, answer, deadUrl, page, sent, useSpaPitchly } from "./local-pitchly";

const local = useSpaPitchly();
let graphqlUrl: string;
let token: BrowserToken;
beforeAll(() => {
  graphqlUrl = local.server.graphqlUrl;
});
beforeEach(() => {
  token = {
    accessToken: local.server.issueTokens({ clientId: SPA.clientId }).access_token,
    tokenType: "Bearer",
    expiresAt: Date.now() + 3_600_000,
  };
});

/** The next GraphQL answer is `fault`'s. */
const reply = (fault: Parameters<MockPitchly["setFaults"]>[0]["graphql"]) => local.server.setFaults({ graphql: fault });

describe("graphql", () => {
  it("sends the token as Bearer header and accessToken variable and resolves with data", async () => {
    const query =
      "query($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }";
    const data = await graphql<{ databases: Array<{ name: string }> }>(
      token,
      query,
      { org: DEFAULT_ORGANIZATION.id },
      { graphqlUrl },
    );
    expect(data.databases.map((d) => d.name)).toEqual(["Deals", "Contacts"]);
    const [req] = sent(local.server, "/graphql");
    expect(req?.method).toBe("POST");
    expect(req?.headers.authorization).toBe(`Bearer ${secretMarker(token.accessToken)}`);
    expect(req?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(req?.body ?? "")).toEqual({
      query,
      variables: { org: DEFAULT_ORGANIZATION.id, accessToken: secretMarker(token.accessToken) },
    });
  });

  it("on the local platform's UNAUTHENTICATED (HTTP 200) calls onTokenInvalid once and rejects with login_required", async () => {
    const platform = {
      ...token,
      accessToken: local.server.issueTokens({ clientId: SPA.clientId, generation: "platform" }).access_token,
    };
    local.server.expireAccessTokens();
    const onTokenInvalid = jest.fn(async () => undefined);
    const error = await rejection(
      graphql(platform, "{ organization { id } }", {}, { graphqlUrl: local.server.platformGraphqlUrl, onTokenInvalid }),
    );
    expect(error.code).toBe("login_required");
    expect(onTokenInvalid).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["message token-invalid", answer(200, { data: null, errors: [{ message: "token-invalid" }] })],
    ["extensions.code token-invalid", answer(200, { errors: [{ message: "x", extensions: { code: "token-invalid" } }] })],
    ["extensions.code UNAUTHENTICATED", answer(200, { errors: [{ message: "x", extensions: { code: "UNAUTHENTICATED" } }] })],
    ["HTTP 401", answer(401, { error: "unauthorized" })],
  ])("on %s calls onTokenInvalid once and rejects with login_required", async (_label, fault) => {
    reply(fault);
    const onTokenInvalid = jest.fn(async () => undefined);
    const error = await rejection(graphql(token, "{ viewer { id } }", {}, { graphqlUrl, onTokenInvalid }));
    expect(error.code).toBe("login_required");
    expect(onTokenInvalid).toHaveBeenCalledTimes(1);
  });

  it("restarts the implicit login when given `login` instead of onTokenInvalid", async () => {
    reply(answer(200, { errors: [{ message: "token-invalid" }] }));
    const b = fakeBrowser();
    const login = { clientId: "app-1", redirectUri: "https://app.example/callback" };
    const error = await rejection(graphql(token, "{ viewer { id } }", {}, { graphqlUrl, login, deps: b.deps }));
    expect(error.code).toBe("login_required");
    expect(b.assigned).toHaveLength(1);
    expect(new URL(b.assigned[0] ?? "").searchParams.get("response_type")).toBe("token");
  });

  it("still rejects with login_required when onTokenInvalid throws, keeping its error as cause", async () => {
    reply(answer(401, {}));
    const boom = new Error("handler failed");
    const error = await rejection(
      graphql(
        token,
        "{ a }",
        {},
        {
          graphqlUrl,
          onTokenInvalid: () => {
            throw boom;
          },
        },
      ),
    );
    expect(error.code).toBe("login_required");
    expect(error.cause).toBe(boom);
  });

  it("does not call Pitchly with a token it knows has expired", async () => {
    const onTokenInvalid = jest.fn();
    const expired = { ...token, expiresAt: Date.now() - 1 };
    const error = await rejection(graphql(expired, "{ a }", {}, { graphqlUrl, onTokenInvalid }));
    expect(error.code).toBe("login_required");
    expect(onTokenInvalid).toHaveBeenCalledTimes(1);
    expect(sent(local.server, "/graphql")).toHaveLength(0);
  });

  it("rejects other GraphQL errors with graphql_error carrying the errors array", async () => {
    const errors = [{ message: 'Cannot query field "nope"', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }];
    reply(answer(400, { errors }));
    const onTokenInvalid = jest.fn();
    const error = await rejection(graphql(token, "{ nope }", {}, { graphqlUrl, onTokenInvalid }));
    expect(error.code).toBe("graphql_error");
    expect(error.errors).toEqual(errors);
    expect(onTokenInvalid).not.toHaveBeenCalled();
  });

  it("treats errors next to partial data as graphql_error too", async () => {
    reply(answer(200, { data: { a: 1 }, errors: [{ message: "partial" }] }));
    const error = await rejection(graphql(token, "{ a b }", {}, { graphqlUrl }));
    expect(error.code).toBe("graphql_error");
    expect(error.errors).toEqual([{ message: "partial" }]);
  });

  it.each([
    ["a 502", answer(502, { errors: [{ message: "upstream" }] })],
    ["a 200 that is not JSON", page(200, "<html>maintenance</html>")],
    ["a 200 JSON without data", answer(200, { hello: "world" })],
    ["a 404 HTML page", page(404, "<html>not found</html>")],
  ])("rejects %s with pitchly_unavailable", async (_label, fault) => {
    reply(fault);
    const error = await rejection(graphql(token, "{ a }", {}, { graphqlUrl }));
    expect(error.code).toBe("pitchly_unavailable");
  });

  it("rejects with pitchly_unavailable when nothing listens", async () => {
    const error = await rejection(graphql(token, "{ a }", {}, { graphqlUrl: `${await deadUrl()}/graphql` }));
    expect(error.code).toBe("pitchly_unavailable");
  });

  it("uses an injected fetch, called without a `this` (as window.fetch requires)", async () => {
    const calls: string[] = [];
    const fetch = function (this: unknown, input: string): Promise<Response> {
      calls.push(`${input} this=${String(this)}`);
      return Promise.resolve(new Response(JSON.stringify({ data: { ok: true } }), { status: 200 }));
    };
    await expect(graphql(token, "{ ok }", {}, { fetch })).resolves.toEqual({ ok: true });
    expect(calls).toEqual(["https://v2.pitchly.net/graphql this=undefined"]);
  });
});
