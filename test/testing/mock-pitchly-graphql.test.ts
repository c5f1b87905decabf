// The local Pitchly's GraphQL endpoint, fault injection and lifecycle (404/405/413, close with hanging calls).
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { REDIRECT, SECRET, authorizeUrl, graphql, postForm } from "./mock-helpers";

let pitchly: MockPitchly;
let access: string;
let refreshToken: string;

beforeAll(async () => {
  pitchly = await startMockPitchly({ clients: [{ clientId: "app", clientSecret: SECRET, redirectUris: [REDIRECT] }], accessTokenTtlSeconds: 600 });
});
afterAll(() => pitchly.close());
beforeEach(() => {
  pitchly.setFaults({});
  pitchly.resetStats();
  ({ access_token: access, refresh_token: refreshToken } = pitchly.issueTokens({ clientId: "app" }));
});

const refresh = (path = "/oauth/token") =>
  postForm(`${pitchly.url}${path}`, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: "app", client_secret: SECRET });
const rawRefresh = (signal?: AbortSignal) =>
  fetch(`${pitchly.url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: "app", client_secret: SECRET }),
    ...(signal ? { signal } : {}),
  });

describe("graphql", () => {
  test("viewer with a Bearer header, and with the accessToken variable", async () => {
    const bearer = await graphql(pitchly.url, "query { viewer { id name email image person { id email } } }", { bearer: access });
    expect(bearer).toEqual({
      status: 200,
      body: { data: { viewer: { id: "user-1", name: "Ada Lovelace", email: "ada@example.com", image: null, person: { id: "user-1", email: "ada@example.com" } } } },
    });
    const variable = await graphql(pitchly.url, "query Me($accessToken: String!) { viewer { id } }", { variables: { accessToken: access } });
    expect(variable.body).toEqual({ data: { viewer: { id: "user-1" } } });
  });

  test.each([
    ["no token", () => ({})],
    ["an unknown token", () => ({ bearer: "pat_nope" })],
    ["header and variable disagreeing", () => ({ bearer: "pat_other", variables: { accessToken: access } })],
  ])("%s → 200 token-invalid", async (_name, opts) => {
    const res = await graphql(pitchly.url, "{ viewer { id } }", opts());
    expect(res).toEqual({ status: 200, body: { errors: [{ message: "token-invalid", extensions: { code: "token-invalid" } }] } });
  });

  test("expireAccessTokens() turns every issued token into token-invalid; refresh recovers", async () => {
    pitchly.expireAccessTokens();
    expect((await graphql(pitchly.url, "{ viewer { id } }", { bearer: access })).body.errors?.[0]?.extensions?.code).toBe("token-invalid");
    const fresh = await refresh();
    expect((await graphql(pitchly.url, "{ viewer { id } }", { bearer: String(fresh.body.access_token) })).body.data).toBeDefined();
  });

  test("aliases, arguments, variables with defaults, comments, __typename, organization, tokenInfo", async () => {
    const query = `# a comment
      query Data($id: ID! = "table-deals", $missing: ID) {
        org: organization { id name __typename }
        deals: table(id: $id) { name rows { id cells } }
        none: table(id: $missing) { id }
        contacts: table(id: "table-contacts",) { name }
        tables { id }
        tokenInfo { clientId expiresAt scope }
      }`;
    const { body } = await graphql(pitchly.url, query, { bearer: access });
    const data = body.data as Record<string, { rows?: Array<{ cells: unknown }>; expiresAt?: number } | null>;
    expect(data.org).toEqual({ id: "org-1", name: "Pitchly Demo Co", __typename: "Organization" });
    expect(data.deals?.rows?.[0]?.cells).toEqual({ Company: "Acme", Stage: "Won", Amount: 120000 });
    expect(data.none).toBeNull();
    expect(data.contacts).toEqual({ name: "Contacts" });
    expect(data.tables).toEqual([{ id: "table-deals" }, { id: "table-contacts" }]);
    expect(Math.abs((data.tokenInfo?.expiresAt ?? 0) - (Date.now() + 600_000))).toBeLessThan(5000);
    expect(body.errors).toBeUndefined();
  });

  test("picks the operation named by operationName", async () => {
    const res = await graphql(pitchly.url, "query A { viewer { id } } query B { organization { id } }", { bearer: access, operationName: "B" });
    expect(res.body.data).toEqual({ organization: { id: "org-1" } });
  });

  test("syntax errors → GRAPHQL_PARSE_FAILED; unknown fields → GRAPHQL_VALIDATION_FAILED", async () => {
    const parse = await graphql(pitchly.url, "{ viewer { id ", { bearer: access });
    expect(parse.status).toBe(200);
    expect(parse.body.errors?.[0]?.message).toMatch(/^Syntax Error: /);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const unknown = await graphql(pitchly.url, "{ viewer { id secret } }", { bearer: access });
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "secret" on type "Viewer".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(unknown.body.data).toBeUndefined();
  });
});

describe("faults", () => {
  test("latency delays the normal answer", async () => {
    pitchly.setFaults({ graphql: { latencyMs: 200 } });
    const started = Date.now();
    const res = await graphql(pitchly.url, "{ viewer { id } }", { bearer: access });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.body.data).toEqual({ viewer: { id: "user-1" } });
  });

  test("a caller that gave up during latency is not served: its refresh token is not consumed", async () => {
    pitchly.setFaults({ token: { latencyMs: 300 } });
    await expect(rawRefresh(AbortSignal.timeout(100))).rejects.toThrow(/abort|timeout/i);
    await new Promise((resolve) => setTimeout(resolve, 300));
    pitchly.setFaults({});
    expect((await refresh()).status).toBe(200);
  });

  test("status answers a JSON server_error and counts as a token error, on both token paths", async () => {
    pitchly.setFaults({ token: { status: 503 } });
    for (const path of ["/oauth/token", "/api/oauth/token"]) {
      expect(await refresh(path)).toMatchObject({ status: 503, body: { error: "server_error" } });
    }
    expect(pitchly.stats.token).toEqual({ authorization_code: 0, refresh_token: 2, errors: 2 });
    pitchly.setFaults({});
    expect((await refresh()).status).toBe(200); // the faulted calls did not consume the refresh token
  });

  test("malformed answers 200 text/html", async () => {
    pitchly.setFaults({ token: { malformed: true } });
    const res = await rawRefresh();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toBe("<html>oops");
  });

  test.each(["null", "[]", '{"access_token":1}'])("body answers exactly %s as JSON", async (body) => {
    pitchly.setFaults({ graphql: { body } });
    const res = await fetch(`${pitchly.url}/graphql`, { method: "POST", body: "{}" });
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(body);
  });

  test("drop destroys the socket: fetch rejects", async () => {
    pitchly.setFaults({ token: { drop: true } });
    await expect(rawRefresh()).rejects.toThrow();
  });

  test("hang never answers: the caller's timeout fires", async () => {
    pitchly.setFaults({ graphql: { hang: true } });
    const call = fetch(`${pitchly.url}/graphql`, { method: "POST", body: "{}", signal: AbortSignal.timeout(150) });
    await expect(call).rejects.toThrow(/abort|timeout/i);
  });

  test("times: 1 applies once, then clears", async () => {
    pitchly.setFaults({ token: { status: 500, times: 1 } });
    expect((await refresh()).status).toBe(500);
    expect((await refresh()).status).toBe(200);
  });

  test("authorize faults apply to the consent page", async () => {
    pitchly.setFaults({ authorize: { status: 502, times: 1 } });
    const url = authorizeUrl(pitchly.url, { state: "f" });
    expect((await fetch(url)).status).toBe(502);
    expect((await fetch(url)).status).toBe(200);
    expect(pitchly.stats.authorize).toBe(2);
  });
});

describe("server", () => {
  test("unknown paths 404, wrong methods 405, bodies over 1 MB 413", async () => {
    expect((await fetch(`${pitchly.url}/nope`)).status).toBe(404);
    const get = await fetch(`${pitchly.url}/oauth/token`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const big = await fetch(`${pitchly.url}/graphql`, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(big.status).toBe(413);
  });

  test("close() resolves even while a request hangs", async () => {
    const own = await startMockPitchly({ clients: [], users: [{ id: "u", name: "U", email: "u@example.com" }], faults: { graphql: { hang: true } } });
    const hanging = fetch(`${own.url}/graphql`, { method: "POST", body: "{}" }).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(own.stats.graphql).toBe(1);
    await own.close();
    expect(await hanging).toHaveProperty("message", "fetch failed"); // Node's fetch error (another realm, so no instanceof)
    await expect(fetch(`${own.url}/graphql`, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});
