// The local Pitchly's OAuth side: consent page, code exchange, refresh rotation, PKCE, implicit flow, stats.
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { REDIRECT, SECRET, authorizeUrl, fragment, param, pkcePair, platformWho, postForm, v2Names } from "./mock-helpers";

const V2_ALL = "readData insertData updateData deleteData addFields readMembers";

let pitchly: MockPitchly;
let token: string;

beforeAll(async () => {
  pitchly = await startMockPitchly({
    clients: [
      { clientId: "app", clientSecret: SECRET, redirectUris: [REDIRECT], name: `<Evil & "Co">` },
      { clientId: "spa", redirectUris: ["http://localhost:5173/cb"] },
    ],
    users: [
      { id: "user-1", name: "Ada Lovelace", email: "ada@example.com" },
      { id: "user-2", name: "Charles <b>Babbage</b>", email: "charles@example.com" },
    ],
  });
  token = `${pitchly.url}/oauth/token`;
});
afterAll(() => pitchly.close());
beforeEach(() => pitchly.resetStats());

const exchange = (code: string, extra: Record<string, string> = {}, url = token) =>
  postForm(url, {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    client_id: "app",
    client_secret: SECRET,
    ...extra,
  });
const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
  postForm(token, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: "app",
    client_secret: SECRET,
    ...extra,
  });
async function codeFor(params: Record<string, string> = {}): Promise<string> {
  return param(await pitchly.approve(authorizeUrl(pitchly.url, { state: "st", ...params })), "code") ?? "";
}

describe("authorize", () => {
  test("renders an escaped consent page with the decision form", async () => {
    const res = await fetch(authorizeUrl(pitchly.url, { state: `"><script>x</script>` }));
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(html).toContain("&lt;Evil &amp; &quot;Co&quot;&gt; wants to access your Pitchly account");
    expect(html).toContain("Charles &lt;b&gt;Babbage&lt;/b&gt;");
    expect(html).not.toMatch(/<script|<b>|<Evil/);
    expect(html).toContain('<form method="post" action="/oauth/authorize/decision">');
    expect(html).toMatch(/<input type="hidden" name="tx" value="[A-Za-z0-9_-]{20,}">/);
    expect(html).toContain('<button type="submit" name="decision" value="approve">Approve</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
  });

  test.each([
    ["unknown client", { client_id: "nobody" }],
    ["unregistered redirect_uri", { redirect_uri: "http://localhost:3000/auth/pitchly/callback" }],
    ["redirect_uri with a suffix", { redirect_uri: `${REDIRECT}&evil=1` }],
  ])("%s → 400 page, never a redirect", async (_name, params) => {
    const res = await fetch(authorizeUrl(pitchly.url, params), { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("<h1>");
  });

  test("unsupported response_type redirects with the error and state", async () => {
    const location = await pitchly.approve(authorizeUrl(pitchly.url, { response_type: "id_token", state: "s1" }));
    expect(param(location, "error")).toBe("unsupported_response_type");
    expect(param(location, "state")).toBe("s1");
    expect(param(location, "from")).toBe("test");
  });

  test("deny → access_denied with state; state omitted when absent", async () => {
    const denied = await pitchly.deny(authorizeUrl(pitchly.url, { state: "s2" }));
    expect(denied.startsWith(`${REDIRECT}&`)).toBe(true);
    expect(param(denied, "error")).toBe("access_denied");
    expect(param(denied, "state")).toBe("s2");
    const noState = await pitchly.approve(authorizeUrl(pitchly.url, {}));
    expect(param(noState, "code")).toMatch(/^pac_/);
    expect(new URL(noState).searchParams.has("state")).toBe(false);
  });

  test("a consent transaction is single-use and unknown ones are refused", async () => {
    const html = await (await fetch(authorizeUrl(pitchly.url, {}))).text();
    const tx = /name="tx" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const decide = () =>
      fetch(`${pitchly.url}/oauth/authorize/decision`, {
        method: "POST",
        body: new URLSearchParams({ tx, decision: "approve" }),
        redirect: "manual",
      });
    expect((await decide()).status).toBe(302);
    expect((await decide()).status).toBe(400);
  });
});

describe("authorization code grant", () => {
  test("approve → code → exchange → tokens usable on GraphQL", async () => {
    const location = await pitchly.approve(authorizeUrl(pitchly.url, { state: "xyz" }), { userId: "user-2" });
    expect(param(location, "state")).toBe("xyz");
    expect(param(location, "from")).toBe("test");
    const code = param(location, "code") ?? "";
    expect(code).toMatch(/^pac_[A-Za-z0-9_-]{43}$/);
    const res = await exchange(code);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toEqual({
      // v2's documented format: 43 characters, no prefix.
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refresh_token: expect.stringMatching(/^prt_[A-Za-z0-9_-]{43}$/),
      token_type: "bearer",
      expires_in: 7200,
      scope: V2_ALL,
    });
    expect(await v2Names(pitchly.url, String(res.body.access_token))).toEqual(["Deals", "Contacts"]);
  });

  test("HTTP Basic client authentication works", async () => {
    const basic = `Basic ${Buffer.from(`app:${SECRET}`).toString("base64")}`;
    const res = await postForm(
      token,
      { grant_type: "authorization_code", code: await codeFor(), redirect_uri: REDIRECT },
      { authorization: basic },
    );
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("a reused code → invalid_grant and the tokens it produced are revoked", async () => {
    const code = await codeFor();
    const first = await exchange(code);
    expect(first.status).toBe(200);
    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe("invalid_grant");
    expect(await v2Names(pitchly.url, String(first.body.access_token))).toBe("token-invalid");
    expect((await refresh(String(first.body.refresh_token))).body.error).toBe("invalid_grant");
  });

  test("a redirect_uri different from the authorize one → invalid_grant", async () => {
    const res = await exchange(await codeFor(), { redirect_uri: "http://localhost:3000/auth/pitchly/callback" });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_grant");
  });

  test.each([
    ["wrong secret", { client_secret: "nope" }],
    ["unknown client", { client_id: "nobody" }],
    ["no secret", { client_secret: "" }],
  ])("%s → 401 invalid_client", async (_name, extra) => {
    const res = await exchange(await codeFor(), extra);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_client");
  });

  test("bad requests: JSON body, missing code, unknown grant type", async () => {
    const json = await fetch(token, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");
    expect((await exchange("", {})).body.error).toBe("invalid_request");
    const password = await postForm(token, { grant_type: "password", client_id: "app", client_secret: SECRET });
    expect(password).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
  });
});

describe("refresh", () => {
  test("rotates: new pair each time, the old refresh token is rejected afterwards", async () => {
    const first = await exchange(await codeFor());
    const rotated = await refresh(String(first.body.refresh_token), { scope: "readData" });
    expect(rotated.status).toBe(200);
    expect(rotated.body.scope).toBe("readData");
    expect(rotated.body.access_token).not.toBe(first.body.access_token);
    expect(rotated.body.refresh_token).not.toBe(first.body.refresh_token);
    const reuse = await refresh(String(first.body.refresh_token));
    expect(reuse).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await refresh(String(rotated.body.refresh_token))).status).toBe(200);
  });

  test("revokeRefreshTokens() invalidates every refresh token; issueTokens() mints usable ones", async () => {
    const minted = pitchly.issueTokens({ clientId: "app", userId: "user-2" });
    expect(minted).toMatchObject({ token_type: "bearer", expires_in: 7200, scope: V2_ALL });
    expect(await v2Names(pitchly.url, minted.access_token)).toEqual(["Deals", "Contacts"]);
    const platform = pitchly.issueTokens({ clientId: "app", userId: "user-2", generation: "platform" });
    expect(platform).toMatchObject({ access_token: expect.stringMatching(/^plyu_[A-Za-z0-9_-]{43}$/), expires_in: 3600 });
    expect(await platformWho(pitchly.url, platform.access_token)).toBe("Charles <b>Babbage</b>");
    pitchly.revokeRefreshTokens();
    expect((await refresh(minted.refresh_token)).body.error).toBe("invalid_grant");
  });
});

describe("PKCE and public clients", () => {
  const spa = (params: Record<string, string>) =>
    authorizeUrl(pitchly.url, { client_id: "spa", redirect_uri: "http://localhost:5173/cb", state: "p", ...params });
  const redeem = (code: string, verifier?: string) =>
    postForm(token, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://localhost:5173/cb",
      client_id: "spa",
      ...(verifier ? { code_verifier: verifier } : {}),
    });

  test("S256 succeeds with the right verifier", async () => {
    const { verifier, challenge } = pkcePair();
    const code = param(await pitchly.approve(spa({ code_challenge: challenge, code_challenge_method: "S256" })), "code") ?? "";
    const res = await redeem(code, verifier);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toMatch(/^prt_/);
  });

  test("a wrong or missing verifier → invalid_grant", async () => {
    const { challenge } = pkcePair();
    const url = spa({ code_challenge: challenge, code_challenge_method: "S256" });
    const wrong = await redeem(param(await pitchly.approve(url), "code") ?? "", pkcePair().verifier);
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    const missing = await redeem(param(await pitchly.approve(url), "code") ?? "");
    expect(missing).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  test("plain is refused; a public client without PKCE is refused", async () => {
    const { verifier } = pkcePair();
    const plain = await pitchly.approve(spa({ code_challenge: verifier, code_challenge_method: "plain" }));
    expect([param(plain, "error"), param(plain, "state")]).toEqual(["invalid_request", "p"]);
    const none = await pitchly.approve(spa({}));
    expect(param(none, "error")).toBe("invalid_request");
  });

  test("a confidential client may add PKCE, and must then send the verifier", async () => {
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(pitchly.url, { code_challenge: challenge, code_challenge_method: "S256" });
    expect((await exchange(param(await pitchly.approve(url), "code") ?? "", { code_verifier: verifier })).status).toBe(200);
    expect((await exchange(param(await pitchly.approve(url), "code") ?? "")).body.error).toBe("invalid_grant");
  });
});

describe("implicit flow", () => {
  test("approve puts the token in the fragment, with no refresh token", async () => {
    const location = await pitchly.approve(
      authorizeUrl(pitchly.url, {
        client_id: "spa",
        redirect_uri: "http://localhost:5173/cb",
        response_type: "token",
        state: "i1",
      }),
    );
    const hash = fragment(location);
    expect(new URL(location).search).toBe("");
    expect(hash.get("access_token")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([hash.get("token_type"), hash.get("expires_in"), hash.get("state")]).toEqual(["bearer", "7200", "i1"]);
    expect(hash.has("refresh_token")).toBe(false);
    expect(await v2Names(pitchly.url, hash.get("access_token") ?? "")).toEqual(["Deals", "Contacts"]);
  });

  test("deny puts access_denied in the fragment", async () => {
    const location = await pitchly.deny(authorizeUrl(pitchly.url, { response_type: "token", state: "i2" }));
    expect(fragment(location).get("error")).toBe("access_denied");
    expect(fragment(location).get("state")).toBe("i2");
  });
});

test("stats count authorize, decisions, each grant type and errors", async () => {
  const code = await codeFor();
  const ok = await exchange(code);
  await exchange(code); // replay: an error, and it revokes `ok`
  const minted = pitchly.issueTokens({ clientId: "app" });
  expect((await refresh(minted.refresh_token)).status).toBe(200);
  await refresh(String(ok.body.refresh_token));
  await v2Names(pitchly.url, minted.access_token);
  expect(pitchly.stats).toEqual({
    authorize: 1,
    decisions: 1,
    token: { authorization_code: 2, refresh_token: 2, client_credentials: 0, errors: 2 },
    graphql: 1,
    subscriptions: { connections: 0, open: 0, subscribe: 0, forbidden: 0 },
  });
  const live = pitchly.stats;
  pitchly.resetStats();
  expect(live.token.authorization_code).toBe(0);
});
