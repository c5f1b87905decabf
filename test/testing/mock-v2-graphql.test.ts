// The local Pitchly's v2 GraphQL: the documented schema on graphql-js, the token as an argument, GQLError shapes.
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { ORG, REDIRECT, SECRET, V2_DATABASES, graphql, postForm, v2Names } from "./mock-helpers";

let pitchly: MockPitchly;
let access: string;
let refreshToken: string;

beforeAll(async () => {
  pitchly = await startMockPitchly({
    clients: [{ clientId: "app", clientSecret: SECRET, redirectUris: [REDIRECT] }],
    accessTokenTtlSeconds: 600,
  });
});
afterAll(() => pitchly.close());
beforeEach(() => {
  pitchly.setFaults({});
  pitchly.resetStats();
  ({ access_token: access, refresh_token: refreshToken } = pitchly.issueTokens({ clientId: "app" }));
});

const refresh = (extra: Record<string, string> = {}) =>
  postForm(`${pitchly.url}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: "app",
    client_secret: SECRET,
    ...extra,
  });
const v2 = (query: string, variables: Record<string, unknown> = {}) =>
  graphql(pitchly.url, query, { variables: { accessToken: access, ...variables } });

async function dealsId(): Promise<{ db: string; company: string }> {
  const { body } = await graphql(
    pitchly.url,
    "query($t: String, $o: ID!) { databases(accessToken: $t, organizationId: $o) { _id name fields { _id name primary } } }",
    { variables: { t: access, o: ORG } },
  );
  const deals = (body.data?.databases as Array<{ _id: string; name: string; fields: Array<{ _id: string; name: string }> }>)[0]!;
  return { db: deals._id, company: deals.fields.find((f) => f.name === "Company")!._id };
}

describe("v2 schema", () => {
  test("databases answers the documented query, ids being 17-character Meteor ids", async () => {
    const query = `query databases($accessToken: String!, $organizationId: ID!, $docDbOnly: Boolean) {
      databases(accessToken: $accessToken, organizationId: $organizationId, docDbOnly: $docDbOnly) {
        _id name fields { _id name type primary required restrict database } filters { _id name filter } templates { path name }
      } }`;
    const { status, body } = await graphql(pitchly.url, query, {
      variables: { accessToken: access, organizationId: ORG },
      operationName: "databases",
    });
    expect(status).toBe(200);
    const dbs = body.data?.databases as Array<{ _id: string; name: string; fields: Array<Record<string, unknown>> }>;
    expect(dbs.map((d) => d.name)).toEqual(["Deals", "Contacts"]);
    expect(dbs[0]?._id).toMatch(/^[23456789A-HJ-NP-Za-km-z]{17}$/);
    expect(dbs[0]?.fields[0]).toMatchObject({ name: "Company", type: "string", primary: true, required: null });
  });

  test("database, data (filter, skip, limit) and dataCount", async () => {
    const { db, company } = await dealsId();
    const { body } = await v2(
      `query($accessToken: String, $db: ID!, $f: JSON) {
      database(accessToken: $accessToken, id: $db) { name }
      page: data(accessToken: $accessToken, databaseId: $db, skip: 1, limit: 2) { _id cols { fieldId value { val } } }
      acme: data(accessToken: $accessToken, databaseId: $db, filter: $f) { cols { fieldId value { val } } }
      dataCount(accessToken: $accessToken, databaseId: $db) }`,
      { db, f: { [company]: "Acme" } },
    );
    expect(body.errors).toBeUndefined();
    const data = body.data as {
      database: { name: string };
      page: Array<{ cols: Array<{ fieldId: string; value: { val: unknown } }> }>;
      acme: unknown[];
      dataCount: number;
    };
    expect(data.database.name).toBe("Deals");
    expect(data.page.map((r) => r.cols.find((c) => c.fieldId === company)?.value.val)).toEqual(["Globex", "Initech"]);
    expect(data.acme).toHaveLength(1);
    expect(data.dataCount).toBe(4);
  });

  test("insertRow, updateRow, upsertRow and deleteRow write through", async () => {
    const { db, company } = await dealsId();
    const row = (val: string) => ({ cols: [{ fieldId: company, value: { val } }] });
    const vars = "$accessToken: String, $db: ID!, $row: RowInput!";
    const inserted = await v2(`mutation(${vars}) { insertRow(accessToken: $accessToken, databaseId: $db, row: $row) { _id } }`, {
      db,
      row: row("Hooli"),
    });
    const id = (inserted.body.data?.insertRow as { _id: string })._id;
    expect(id).toMatch(/^[A-Za-z0-9]{17}$/);
    await v2(
      `mutation(${vars}, $id: ID!) { updateRow(accessToken: $accessToken, databaseId: $db, rowId: $id, row: $row) { _id } }`,
      { db, id, row: row("Hooli XYZ") },
    );
    const upsert = await v2(
      `mutation(${vars}, $m: [ID!]!) { upsertRow(accessToken: $accessToken, databaseId: $db, matchFields: $m, row: $row) { _id } }`,
      { db, m: [company], row: row("Hooli XYZ") },
    );
    expect(upsert.body.data?.upsertRow).toEqual({ _id: id });
    const count = () =>
      v2("query($accessToken: String, $db: ID!) { dataCount(accessToken: $accessToken, databaseId: $db) }", { db });
    expect((await count()).body.data?.dataCount).toBe(5);
    const deleted = await v2(
      "mutation($accessToken: String, $db: ID!, $id: ID!) { deleteRow(accessToken: $accessToken, databaseId: $db, rowId: $id) }",
      { db, id },
    );
    expect(deleted.body.data?.deleteRow).toBe(true);
    expect((await count()).body.data?.dataCount).toBe(4);
  });

  test("the App's secretKey works as the argument too", async () => {
    const { body } = await graphql(
      pitchly.url,
      "query($k: String, $o: ID!) { databases(secretKey: $k, organizationId: $o) { name } }",
      { variables: { k: SECRET, o: ORG } },
    );
    expect(body.data?.databases).toHaveLength(2);
  });
});

describe("v2 errors are GQLError objects, data null, HTTP 200", () => {
  const shape = (error: string) => ({
    status: 200,
    body: {
      data: null,
      errors: [
        {
          message: "An error has occurred",
          name: "GQLError",
          time_thrown: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          data: { error, reason: expect.any(String) },
        },
      ],
    },
  });

  test.each([
    ["an unknown token", { accessToken: "x".repeat(43), org: ORG }, "token-invalid"],
    ["no token at all", { org: ORG }, "not-authorized"],
    ["another organization", { org: "orgSomebodyElse00001" }, "not-authorized"],
  ])("%s", async (_name, variables, code) => {
    expect(await graphql(pitchly.url, V2_DATABASES, { variables })).toEqual(shape(code));
  });

  test("a Bearer header is not v2's way: without the argument the call is not authorized", async () => {
    const res = await graphql(pitchly.url, V2_DATABASES, { bearer: access, variables: { org: ORG } });
    expect(res.body.errors?.[0]?.data?.error).toBe("not-authorized");
  });

  test("expireAccessTokens() → token-invalid; a refresh recovers; platform tokens are refused here", async () => {
    pitchly.expireAccessTokens();
    expect(await v2Names(pitchly.url, access)).toBe("token-invalid");
    expect(await v2Names(pitchly.url, String((await refresh()).body.access_token))).toEqual(["Deals", "Contacts"]);
    expect(await v2Names(pitchly.url, pitchly.issueTokens({ clientId: "app", generation: "platform" }).access_token)).toBe(
      "token-invalid",
    );
  });

  test("an empty scope mints a read-only token: reads work, mutations are not-authorized; the next refresh is full again", async () => {
    const readOnly = await refresh({ scope: "" });
    expect(readOnly.body.scope).toBe("");
    access = String(readOnly.body.access_token);
    const { db, company } = await dealsId();
    const insert =
      "mutation($accessToken: String, $db: ID!, $row: RowInput!) { insertRow(accessToken: $accessToken, databaseId: $db, row: $row) { _id } }";
    const row = { cols: [{ fieldId: company, value: { val: "ReadOnly Inc" } }] };
    expect((await v2(insert, { db, row })).body.errors?.[0]?.data).toEqual({
      error: "not-authorized",
      reason: "This app does not have permission to perform this action.",
    });
    refreshToken = String(readOnly.body.refresh_token);
    const full = await refresh();
    expect(full.body.scope).toContain("insertData");
    access = String(full.body.access_token);
    expect((await v2(insert, { db, row })).body.data?.insertRow).toEqual({ _id: expect.any(String) });
  });

  test("syntax errors → GRAPHQL_PARSE_FAILED; unknown fields → GRAPHQL_VALIDATION_FAILED", async () => {
    const parse = await graphql(pitchly.url, "{ databases(", { variables: { accessToken: access } });
    expect(parse.status).toBe(200);
    expect(parse.body.errors?.[0]?.message).toMatch(/^Syntax Error: /);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const unknown = await graphql(pitchly.url, "{ viewer { id } }", { variables: { accessToken: access } });
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "viewer" on type "Query".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(unknown.body.data).toBeUndefined();
  });

  test("picks the operation named by operationName", async () => {
    const res = await graphql(pitchly.url, `query A { __typename } ${V2_DATABASES}`, {
      variables: { accessToken: access, org: ORG },
      operationName: "A",
    });
    expect(res.body.data).toEqual({ __typename: "Query" });
  });
});
