// The local Pitchly's one fault model (latency, status, bodies, headers, Retry-After, streams, trickles, lost answers,
// drops, hangs), its request log, and its lifecycle (404/405/413, close with hanging calls).
import { gzipSync } from "node:zlib";
import { secretMarker, startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { ORG, REDIRECT, SECRET, V2_DATABASES, authorizeUrl, graphql, postForm, v2Names } from "./mock-helpers";

let pitchly: MockPitchly;
let access: string;
let refreshToken: string;

beforeAll(async () => {
  pitchly = await startMockPitchly({ clients: [{ clientId: "app", clientSecret: SECRET, redirectUris: [REDIRECT] }] });
});
afterAll(() => pitchly.close());
beforeEach(() => {
  pitchly.setFaults({});
  pitchly.resetStats();
  pitchly.requests.length = 0;
  ({ access_token: access, refresh_token: refreshToken } = pitchly.issueTokens({ clientId: "app" }));
});

const form = () => ({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: "app", client_secret: SECRET });
const refresh = (path = "/oauth/token") => postForm(`${pitchly.url}${path}`, form());
const rawRefresh = (signal?: AbortSignal) =>
  fetch(`${pitchly.url}/oauth/token`, { method: "POST", body: new URLSearchParams(form()), ...(signal ? { signal } : {}) });
const settled = async (): Promise<void> => {
  for (let i = 0; i < 100 && pitchly.requests.some((r) => r.aborted === undefined); i++)
    await new Promise((r) => setTimeout(r, 20));
};

describe("faults", () => {
  test("latency delays the normal answer", async () => {
    pitchly.setFaults({ graphql: { latencyMs: 200 } });
    const started = Date.now();
    expect(await v2Names(pitchly.url, access)).toEqual(["Deals", "Contacts"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
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
    for (const path of ["/oauth/token", "/api/oauth/token"])
      expect(await refresh(path)).toMatchObject({ status: 503, body: { error: "server_error" } });
    expect(pitchly.stats.token).toEqual({ authorization_code: 0, refresh_token: 2, client_credentials: 0, errors: 2 });
    pitchly.setFaults({});
    expect((await refresh()).status).toBe(200); // the faulted calls did not consume the refresh token
  });

  test("status + body + headers answer exactly that (error bodies, HTML, redirects, gzip)", async () => {
    pitchly.setFaults({ token: { status: 401, body: '{"error":"invalid_client"}', times: 1 } });
    expect(await refresh()).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    pitchly.setFaults({ token: { status: 307, body: "", headers: { location: `${pitchly.url}/elsewhere` }, times: 1 } });
    const redirect = await fetch(`${pitchly.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams(form()),
      redirect: "manual",
    });
    expect([redirect.status, redirect.headers.get("location")]).toEqual([307, `${pitchly.url}/elsewhere`]);
    pitchly.setFaults({ graphql: { body: "<h1>down</h1>", headers: { "Content-Type": "text/html" }, times: 1 } });
    const html = await fetch(pitchly.graphqlUrl, { method: "POST", body: "{}" });
    expect([html.status, html.headers.get("content-type"), await html.text()]).toEqual([200, "text/html", "<h1>down</h1>"]);
    pitchly.setFaults({ graphql: { body: gzipSync('{"data":{}}'), headers: { "content-encoding": "gzip" }, times: 1 } });
    expect(await (await fetch(pitchly.graphqlUrl, { method: "POST", body: "{}" })).json()).toEqual({ data: {} });
  });

  test("retryAfter answers 429 with Retry-After", async () => {
    pitchly.setFaults({ token: { retryAfter: 7, times: 1 } });
    const res = await rawRefresh();
    expect([res.status, res.headers.get("retry-after")]).toEqual([429, "7"]);
    pitchly.setFaults({ graphql: { status: 503, retryAfter: 2, times: 1 } });
    expect((await fetch(pitchly.platformGraphqlUrl, { method: "POST", body: "{}" })).headers.get("retry-after")).toBe("2");
  });

  test("malformed answers 200 text/html", async () => {
    pitchly.setFaults({ token: { malformed: true } });
    const res = await rawRefresh();
    expect([res.status, res.headers.get("content-type"), await res.text()]).toEqual([200, "text/html", "<html>oops"]);
  });

  test("stream sends a chunked answer of that size; a reader that stops early stops the writer", async () => {
    pitchly.setFaults({ token: { stream: 300_000, times: 1 } });
    const res = await rawRefresh();
    expect([res.headers.get("content-length"), res.headers.get("transfer-encoding")]).toEqual([null, "chunked"]);
    expect((await res.arrayBuffer()).byteLength).toBe(300_000);
    pitchly.setFaults({ token: { stream: 200 * 1024 * 1024, times: 1 } });
    const big = await rawRefresh();
    const reader = big.body!.getReader();
    await reader.read();
    await reader.cancel();
    await settled();
    const last = pitchly.requests[pitchly.requests.length - 1]!;
    expect(last.aborted).toBe(true);
    expect(last.bytesWritten).toBeLessThan(50 * 1024 * 1024);
  });

  test("trickleMs sends headers and a byte at a time until the caller gives up", async () => {
    pitchly.setFaults({ token: { trickleMs: 20, times: 1 } });
    const res = await rawRefresh(AbortSignal.timeout(300));
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(/abort|timeout/i);
    await settled();
    expect(pitchly.requests[0]?.aborted).toBe(true);
  });

  test("loseResponse does the work and drops the answer: the refresh token it rotated is dead", async () => {
    pitchly.setFaults({ token: { loseResponse: true, times: 1 } });
    await expect(rawRefresh()).rejects.toThrow();
    expect(await refresh()).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(pitchly.stats.token.refresh_token).toBe(2);
  });

  test("drop destroys the socket; hang never answers", async () => {
    pitchly.setFaults({ token: { drop: true } });
    await expect(rawRefresh()).rejects.toThrow();
    pitchly.setFaults({ graphql: { hang: true } });
    await expect(fetch(pitchly.graphqlUrl, { method: "POST", body: "{}", signal: AbortSignal.timeout(150) })).rejects.toThrow(
      /abort|timeout/i,
    );
  });

  test("times: 1 applies once, then clears; authorize faults apply to the consent page", async () => {
    pitchly.setFaults({ token: { status: 500, times: 1 }, authorize: { status: 502, times: 1 } });
    expect((await refresh()).status).toBe(500);
    expect((await refresh()).status).toBe(200);
    const url = authorizeUrl(pitchly.url, { state: "f" });
    expect((await fetch(url)).status).toBe(502);
    expect((await fetch(url)).status).toBe(200);
  });
});

describe("request log", () => {
  test("records method, path, headers and body of every request, secrets as secretMarker()", async () => {
    await refresh();
    await graphql(pitchly.url, V2_DATABASES, { bearer: access, variables: { accessToken: access, org: ORG } });
    await fetch(`${pitchly.url}/nowhere?x=1`);
    await settled();
    const [token, gql, lost] = pitchly.requests;
    expect(token).toMatchObject({ method: "POST", path: "/oauth/token", status: 200, aborted: false });
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: secretMarker(refreshToken),
      client_id: "app",
      client_secret: secretMarker(SECRET),
    });
    expect(gql?.headers.authorization).toBe(`Bearer ${secretMarker(access)}`);
    expect(JSON.parse(gql!.body).variables).toEqual({ accessToken: secretMarker(access), org: ORG });
    expect(lost).toMatchObject({ method: "GET", path: "/nowhere?x=1", status: 404 });
    expect(JSON.stringify(pitchly.requests)).not.toContain(access);
    expect(JSON.stringify(pitchly.requests)).not.toContain(SECRET);
  });

  test("issuedSecrets() lists every code and token handed out", async () => {
    const fresh = await refresh();
    expect(pitchly.issuedSecrets()).toEqual(
      expect.arrayContaining([access, refreshToken, fresh.body.access_token, fresh.body.refresh_token]),
    );
  });
});

describe("server", () => {
  test("unknown paths 404, wrong methods 405, bodies over 1 MB 413", async () => {
    expect((await fetch(`${pitchly.url}/nope`)).status).toBe(404);
    const get = await fetch(`${pitchly.url}/oauth/token`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const big = await fetch(pitchly.graphqlUrl, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(big.status).toBe(413);
  });

  test("close() resolves even while a request hangs", async () => {
    const own = await startMockPitchly({
      clients: [],
      users: [{ id: "u", name: "U", email: "u@example.com" }],
      faults: { graphql: { hang: true } },
    });
    const hanging = fetch(`${own.url}/graphql`, { method: "POST", body: "{}" }).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(own.stats.graphql).toBe(1);
    await own.close();
    expect(await hanging).toHaveProperty("message", "fetch failed"); // Node's fetch error (another realm, so no instanceof)
    await expect(fetch(`${own.url}/graphql`, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});
