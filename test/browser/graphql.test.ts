// graphql(): Bearer header plus accessToken variable, token-invalid handling and error mapping, on loopback.
import { graphql, type BrowserToken } from "express-pitchly/browser";
import { fakeBrowser, rejection } from "./fake-browser";
import { startLocalServer, type LocalServer } from "./local-server";

let server: LocalServer;
let graphqlUrl: string;
beforeAll(async () => {
  server = await startLocalServer();
  graphqlUrl = `${server.url}/graphql`;
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const token: BrowserToken = { accessToken: "tok-abc", tokenType: "Bearer", expiresAt: Date.now() + 3_600_000 };

describe("graphql", () => {
  it("sends the token as Bearer header and accessToken variable and resolves with data", async () => {
    server.reply({ body: { data: { viewer: { id: "u1" } } } });
    const data = await graphql<{ viewer: { id: string } }>(token, "query($n: Int) { viewer { id } }", { n: 3 }, { graphqlUrl });
    expect(data.viewer.id).toBe("u1");
    const [req] = server.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/graphql");
    expect(req?.headers.authorization).toBe("Bearer tok-abc");
    expect(req?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(req?.body ?? "")).toEqual({
      query: "query($n: Int) { viewer { id } }",
      variables: { n: 3, accessToken: "tok-abc" },
    });
  });

  it.each([
    ["message token-invalid", { status: 200, body: { data: null, errors: [{ message: "token-invalid" }] } }],
    ["extensions.code token-invalid", { status: 200, body: { errors: [{ message: "x", extensions: { code: "token-invalid" } }] } }],
    ["extensions.code UNAUTHENTICATED", { status: 200, body: { errors: [{ message: "x", extensions: { code: "UNAUTHENTICATED" } }] } }],
    ["HTTP 401", { status: 401, body: { error: "unauthorized" } }],
  ])("on %s calls onTokenInvalid once and rejects with login_required", async (_label, reply) => {
    server.reply(reply);
    const onTokenInvalid = jest.fn(async () => undefined);
    const error = await rejection(graphql(token, "{ viewer { id } }", {}, { graphqlUrl, onTokenInvalid }));
    expect(error.code).toBe("login_required");
    expect(onTokenInvalid).toHaveBeenCalledTimes(1);
  });

  it("restarts the implicit login when given `login` instead of onTokenInvalid", async () => {
    server.reply({ body: { errors: [{ message: "token-invalid" }] } });
    const b = fakeBrowser();
    const login = { clientId: "app-1", redirectUri: "https://app.example/callback" };
    const error = await rejection(graphql(token, "{ viewer { id } }", {}, { graphqlUrl, login, deps: b.deps }));
    expect(error.code).toBe("login_required");
    expect(b.assigned).toHaveLength(1);
    expect(new URL(b.assigned[0] ?? "").searchParams.get("response_type")).toBe("token");
  });

  it("still rejects with login_required when onTokenInvalid throws, keeping its error as cause", async () => {
    server.reply({ status: 401, body: {} });
    const boom = new Error("handler failed");
    const error = await rejection(graphql(token, "{ a }", {}, { graphqlUrl, onTokenInvalid: () => { throw boom; } }));
    expect(error.code).toBe("login_required");
    expect(error.cause).toBe(boom);
  });

  it("does not call Pitchly with a token it knows has expired", async () => {
    server.reply({ body: { data: {} } });
    const onTokenInvalid = jest.fn();
    const expired = { ...token, expiresAt: Date.now() - 1 };
    const error = await rejection(graphql(expired, "{ a }", {}, { graphqlUrl, onTokenInvalid }));
    expect(error.code).toBe("login_required");
    expect(onTokenInvalid).toHaveBeenCalledTimes(1);
    expect(server.requests).toHaveLength(0);
  });

  it("rejects other GraphQL errors with graphql_error carrying the errors array", async () => {
    const errors = [{ message: "Cannot query field \"nope\"", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }];
    server.reply({ status: 400, body: { errors } });
    const onTokenInvalid = jest.fn();
    const error = await rejection(graphql(token, "{ nope }", {}, { graphqlUrl, onTokenInvalid }));
    expect(error.code).toBe("graphql_error");
    expect(error.errors).toEqual(errors);
    expect(onTokenInvalid).not.toHaveBeenCalled();
  });

  it("treats errors next to partial data as graphql_error too", async () => {
    server.reply({ body: { data: { a: 1 }, errors: [{ message: "partial" }] } });
    const error = await rejection(graphql(token, "{ a b }", {}, { graphqlUrl }));
    expect(error.code).toBe("graphql_error");
    expect(error.errors).toEqual([{ message: "partial" }]);
  });

  it.each([
    ["a 502", { status: 502, body: { errors: [{ message: "upstream" }] } }],
    ["a 200 that is not JSON", { status: 200, body: "<html>maintenance</html>", raw: true }],
    ["a 200 JSON without data", { status: 200, body: { hello: "world" } }],
    ["a 404 HTML page", { status: 404, body: "<html>not found</html>", raw: true }],
  ])("rejects %s with pitchly_unavailable", async (_label, reply) => {
    server.reply(reply);
    const error = await rejection(graphql(token, "{ a }", {}, { graphqlUrl }));
    expect(error.code).toBe("pitchly_unavailable");
  });

  it("rejects with pitchly_unavailable when nothing listens", async () => {
    const gone = await startLocalServer();
    await gone.close();
    const error = await rejection(graphql(token, "{ a }", {}, { graphqlUrl: `${gone.url}/graphql` }));
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
