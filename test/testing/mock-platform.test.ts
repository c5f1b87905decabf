// The local Pitchly's platform generation: its schema, Bearer-only UNAUTHENTICATED at HTTP 200, PKCE required,
// scope capping the access token only, client_credentials per organization, and the self-signed org JWT.
import { createHmac } from "node:crypto";
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import {
  ORG,
  PLATFORM_ME,
  REDIRECT,
  SECRET,
  authorizeUrl,
  graphql,
  param,
  pkcePair,
  platformWho,
  postForm,
} from "./mock-helpers";

const OTHER_ORG = "orgSecondOrg00000001";
let pitchly: MockPitchly;

beforeAll(async () => {
  pitchly = await startMockPitchly({
    clients: [
      { clientId: "app", clientSecret: SECRET, redirectUris: [REDIRECT] },
      { clientId: "plat", clientSecret: "plat-secret", redirectUris: [REDIRECT], generation: "platform" },
    ],
    organizations: [
      { id: ORG, name: "Pitchly Demo Co" },
      { id: OTHER_ORG, name: "Second Org" },
    ],
  });
});
afterAll(() => pitchly.close());

const gql = (query: string, bearer: string, variables?: Record<string, unknown>) =>
  graphql(pitchly.url, query, { bearer, path: "/api/graphql", ...(variables ? { variables } : {}) });
const tokenCall = (form: Record<string, string>, clientId = "app", secret = SECRET) =>
  postForm(pitchly.platformTokenUrl, { client_id: clientId, client_secret: secret, ...form });

async function platformLogin(clientId = "app", pkce = true, scope?: string) {
  const { verifier, challenge } = pkcePair();
  const extra: Record<string, string> = pkce ? { code_challenge: challenge, code_challenge_method: "S256" } : {};
  const location = await pitchly.approve(authorizeUrl(pitchly.url, { client_id: clientId, state: "s", ...extra }));
  const code = param(location, "code");
  const form: Record<string, string> = { grant_type: "authorization_code", code: code ?? "", redirect_uri: REDIRECT };
  if (pkce) form.code_verifier = verifier;
  if (scope !== undefined) form.scope = scope;
  return { location, answer: await tokenCall(form, clientId, clientId === "app" ? SECRET : "plat-secret") };
}

function orgJwt(claims: Record<string, unknown>, secret = SECRET, alg = "HS256"): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const unsigned = `${part({ alg, typ: "JWT" })}.${part(claims)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

describe("platform schema", () => {
  test("Pitchly's own identity query, with plyu_ tokens living 3600 s", async () => {
    const { answer } = await platformLogin();
    expect(answer.body).toMatchObject({
      access_token: expect.stringMatching(/^plyu_[A-Za-z0-9_-]{43}$/),
      expires_in: 3600,
      token_type: "bearer",
    });
    const { status, body } = await gql(PLATFORM_ME, String(answer.body.access_token));
    expect(status).toBe(200);
    expect(body.data).toEqual({
      organization: { id: ORG },
      viewer: {
        person: {
          id: expect.stringMatching(/^psn[A-Za-z0-9]{17}$/),
          name: "Ada Lovelace",
          email: "ada@example.com",
          image: null,
        },
        tier: "pro",
        tierSettings: expect.any(Object),
      },
    });
  });

  test("workspace → tables → fields, table(id), recordsConnection pages and updateRecords", async () => {
    const token = pitchly.issueTokens({ clientId: "app", generation: "platform" }).access_token;
    const { body } = await gql("{ organization { workspaces { id tables { id name fields { id type } } } } }", token);
    const workspace = (
      body.data?.organization as {
        workspaces: Array<{ id: string; tables: Array<{ id: string; fields: Array<{ id: string; type: string }> }> }>;
      }
    ).workspaces[0]!;
    expect(workspace.id).toMatch(/^wks[A-Za-z0-9]{17}$/);
    const deals = workspace.tables[0]!;
    expect(deals.fields.map((f) => f.type)).toEqual(["string", "string", "number", "attachment"]);
    expect(deals.fields[0]?.id).toMatch(/^fld[A-Za-z0-9]{17}$/);
    const same = await gql("query($w: ID!, $t: ID!) { workspace(id: $w) { id } table(id: $t) { fields { id } } }", token, {
      w: workspace.id,
      t: deals.id,
    });
    expect(same.body.data).toEqual({
      workspace: { id: workspace.id },
      table: { fields: deals.fields.map(({ id }) => ({ id })) },
    });

    const page = (after?: string) =>
      gql(
        "query($t: ID!, $a: String) { recordsConnection(tableId: $t, first: 3, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id values { fieldId value { val } stringValue } } } } }",
        token,
        { t: deals.id, a: after ?? null },
      );
    const first = (await page()).body.data?.recordsConnection as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: Array<{
        node: { id: string; values: Array<{ fieldId: string; value: { val: unknown }; stringValue: string | null }> };
      }>;
    };
    expect([first.totalCount, first.edges.length, first.pageInfo.hasNextPage]).toEqual([4, 3, true]);
    const record = first.edges[0]!.node;
    expect(record.id).toMatch(/^rec[A-Za-z0-9]{17}$/);
    expect(record.values[2]).toEqual({
      fieldId: `${workspace.id}|${deals.fields[2]!.id}`,
      value: { val: 120000 },
      stringValue: "120000",
    });
    const second = (await page(first.pageInfo.endCursor)).body.data?.recordsConnection as {
      edges: unknown[];
      pageInfo: { hasNextPage: boolean };
    };
    expect([second.edges.length, second.pageInfo.hasNextPage]).toEqual([1, false]);

    const update = await gql(
      "mutation($t: ID!, $r: [UpdateRecordInput!]!) { updateRecords(tableId: $t, records: $r) { id } }",
      token,
      {
        t: deals.id,
        r: [
          { id: record.id, fields: [{ fieldId: record.values[3]!.fieldId, value: { val: "https://images.example/acme.png" } }] },
        ],
      },
    );
    expect(update.body.data).toEqual({ updateRecords: [{ id: record.id }] });
    expect(((await page()).body.data?.recordsConnection as typeof first).edges[0]!.node.values[3]?.value.val).toBe(
      "https://images.example/acme.png",
    );
  });
});

describe("platform authentication", () => {
  test.each([
    ["no Authorization header", ""],
    ["an unknown token", `plyu_${"x".repeat(43)}`],
    ["a v2 token", "v2"],
  ])("%s → HTTP 200, data null, extensions.code UNAUTHENTICATED", async (_name, bearer) => {
    const token = bearer === "v2" ? pitchly.issueTokens({ clientId: "app" }).access_token : bearer;
    const res = await gql(PLATFORM_ME, token);
    expect(res).toEqual({
      status: 200,
      body: { data: null, errors: [{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED" } }] },
    });
  });

  test("the token in the body is ignored: Bearer only", async () => {
    const token = pitchly.issueTokens({ clientId: "app", generation: "platform" }).access_token;
    const res = await graphql(pitchly.url, PLATFORM_ME, { path: "/api/graphql", variables: { accessToken: token } });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  test("an expired token → UNAUTHENTICATED; the platform refresh recovers, and v2's token path cannot refresh it", async () => {
    const { answer } = await platformLogin();
    pitchly.expireAccessTokens();
    expect(await platformWho(pitchly.url, String(answer.body.access_token))).toBe("UNAUTHENTICATED");
    const v2Path = await postForm(`${pitchly.url}/oauth/token`, {
      grant_type: "refresh_token",
      refresh_token: String(answer.body.refresh_token),
      client_id: "app",
      client_secret: SECRET,
    });
    expect(v2Path.body.error).toBe("invalid_grant");
    const fresh = await tokenCall({ grant_type: "refresh_token", refresh_token: String(answer.body.refresh_token) });
    expect(await platformWho(pitchly.url, String(fresh.body.access_token))).toBe("Ada Lovelace");
  });
});

describe("PKCE: required on the platform, optional on v2", () => {
  test("a code redeemed at /api/oauth/token without PKCE → invalid_grant; with it → tokens", async () => {
    expect((await platformLogin("app", false)).answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await platformLogin("app", true)).answer.status).toBe(200);
    const v2 = param(await pitchly.approve(authorizeUrl(pitchly.url, { state: "v" })), "code");
    const res = await postForm(`${pitchly.url}/oauth/token`, {
      grant_type: "authorization_code",
      code: v2 ?? "",
      redirect_uri: REDIRECT,
      client_id: "app",
      client_secret: SECRET,
    });
    expect(res.status).toBe(200);
  });

  test("a platform-bound client is refused at authorize without a challenge, and on v2's token path", async () => {
    const { location } = await platformLogin("plat", false);
    expect([param(location, "error"), param(location, "state")]).toEqual(["invalid_request", "s"]);
    const implicit = await pitchly.approve(authorizeUrl(pitchly.url, { client_id: "plat", response_type: "token", state: "i" }));
    expect(new URLSearchParams(new URL(implicit).hash.slice(1)).get("error")).toBe("unsupported_response_type");
    const ok = await platformLogin("plat", true);
    expect(ok.answer.status).toBe(200);
    const wrongPath = await postForm(`${pitchly.url}/oauth/token`, {
      grant_type: "refresh_token",
      refresh_token: String(ok.answer.body.refresh_token),
      client_id: "plat",
      client_secret: "plat-secret",
    });
    expect(wrongPath.body.error).toBe("unauthorized_client");
  });
});

describe("scope caps the new access token, never the refresh token", () => {
  const UPDATE = "mutation($t: ID!) { updateRecords(tableId: $t, records: []) { id } }";
  async function dealsTable(token: string): Promise<string> {
    const { body } = await gql("{ organization { workspaces { tables { id } } } }", token);
    return (body.data?.organization as { workspaces: Array<{ tables: Array<{ id: string }> }> }).workspaces[0]!.tables[0]!.id;
  }

  test("scope= at the exchange → read-only (FORBIDDEN on writes); a refresh without scope → full again; scope=records:update → writes", async () => {
    const { answer } = await platformLogin("app", true, "");
    expect(answer.body.scope).toBe("");
    const readOnly = String(answer.body.access_token);
    const table = await dealsTable(readOnly);
    const refused = await gql(UPDATE, readOnly, { t: table });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ data: null, errors: [{ extensions: { code: "FORBIDDEN" } }] });

    const full = await tokenCall({ grant_type: "refresh_token", refresh_token: String(answer.body.refresh_token) });
    expect(full.body.scope).toBe("records:read records:update workspace_members:read teams:read");
    expect((await gql(UPDATE, String(full.body.access_token), { t: table })).body.data).toEqual({ updateRecords: [] });
    const capped = await tokenCall({
      grant_type: "refresh_token",
      refresh_token: String(full.body.refresh_token),
      scope: "records:update",
    });
    expect(capped.body.scope).toBe("records:update");
    expect((await gql(UPDATE, String(capped.body.access_token), { t: table })).body.data).toEqual({ updateRecords: [] });
  });
});

describe("acting as the organization", () => {
  test("client_credentials with organization_id → an app token for that org only, counted in stats", async () => {
    pitchly.resetStats();
    const answer = await tokenCall({ grant_type: "client_credentials", organization_id: OTHER_ORG });
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^plyu_/),
      token_type: "bearer",
      expires_in: 3600,
      scope: expect.any(String),
    });
    expect(answer.body.refresh_token).toBeUndefined();
    const { body } = await gql(PLATFORM_ME, String(answer.body.access_token));
    expect(body.data).toEqual({ organization: { id: OTHER_ORG }, viewer: null });
    expect(pitchly.stats.token.client_credentials).toBe(1);
  });

  test.each([
    ["no organization_id", {}, "invalid_request"],
    ["an unknown organization", { organization_id: "orgNobody0000000001" }, "invalid_grant"],
  ])("client_credentials with %s is refused", async (_name, extra, error) => {
    expect((await tokenCall({ grant_type: "client_credentials", ...extra })).body.error).toBe(error);
  });

  test("client_credentials is a platform grant: v2's path refuses it", async () => {
    const res = await postForm(`${pitchly.url}/oauth/token`, {
      grant_type: "client_credentials",
      organization_id: ORG,
      client_id: "app",
      client_secret: SECRET,
    });
    expect(res.body.error).toBe("unsupported_grant_type");
  });

  test("a self-signed org JWT (HS256, iss = client id) works as Bearer, with or without exp", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ iss: "app" }, { iss: "app", exp: now + 60, workspaces: ["anything"] }]) {
      expect((await gql("{ organization { id } viewer { tier } }", orgJwt(claims))).body.data).toEqual({
        organization: { id: ORG },
        viewer: null,
      });
    }
  });

  test.each([
    [
      "a tampered payload",
      () => {
        const [h, , s] = orgJwt({ iss: "app" }).split(".");
        return `${h}.${Buffer.from('{"iss":"plat"}').toString("base64url")}.${s}`;
      },
    ],
    ["the wrong secret", () => orgJwt({ iss: "app" }, "not-the-secret")],
    ["an expired exp", () => orgJwt({ iss: "app", exp: Math.floor(Date.now() / 1000) - 5 })],
    ["alg none", () => orgJwt({ iss: "app" }, SECRET, "none")],
    ["an unknown issuer", () => orgJwt({ iss: "nobody" })],
  ])("an org JWT with %s → UNAUTHENTICATED", async (_name, make) => {
    expect((await gql("{ organization { id } }", make())).body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
