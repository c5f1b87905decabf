// Every GraphQL query in README.md, docs/*.md and demo-app/ runs against the local Pitchly of its generation.
import { DEFAULT_ORGANIZATION, startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { findDocQueries, type FoundQuery, type QueryGeneration } from "./doc-queries";

const CLIENT = { clientId: "docs-app", clientSecret: "docs-secret", redirectUris: ["http://127.0.0.1:3999/cb"] };
let mock: MockPitchly;
const fixtures: Record<string, unknown> = { org: DEFAULT_ORGANIZATION.id, organizationId: DEFAULT_ORGANIZATION.id, records: [] };

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string }>;
}

async function run(generation: QueryGeneration, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const { access_token } = mock.issueTokens({ clientId: CLIENT.clientId, generation });
  const v2 = generation === "v2";
  const res = await fetch(v2 ? mock.graphqlUrl : mock.platformGraphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(!v2 && { authorization: `Bearer ${access_token}` }) },
    body: JSON.stringify({ query, variables: { ...variables, ...(v2 && { accessToken: access_token }) } }),
  });
  return (await res.json()) as Answer;
}

beforeAll(async () => {
  mock = await startMockPitchly({ clients: [CLIENT] });
  // Ids the documented queries may take as variables, read from the local Pitchly's own fixtures.
  const dbs = await run(
    "v2",
    "query($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { _id } }",
    fixtures,
  );
  fixtures.databaseId = (dbs.data?.databases as Array<{ _id: string }>)[0]?._id;
  const ws = await run("platform", "{ organization { workspaces { id tables { id } } } }", {});
  const workspace = (ws.data?.organization as { workspaces: Array<{ id: string; tables: Array<{ id: string }> }> }).workspaces[0];
  fixtures.workspaceId = workspace?.id;
  fixtures.tableId = workspace?.tables[0]?.id;
});
afterAll(() => mock.close());

const queries = findDocQueries();

test("the docs and the demo have queries to check, each marked with its generation", () => {
  expect(queries.length).toBeGreaterThanOrEqual(6);
  const unmarked = queries.filter((q) => q.generations.length === 0).map((q) => q.where);
  expect(unmarked).toEqual([]);
  expect(new Set(queries.flatMap((q) => q.generations))).toEqual(new Set(["v2", "platform"]));
});

// Subscriptions travel over websockets, not this POST: the demo's feed runs in test/demo/demo-live-feed.test.ts.
const cases = queries
  .filter((q) => !/^\s*subscription\b/.test(q.query))
  .flatMap((q: FoundQuery) => q.generations.map((generation) => [q.where, generation, q.query] as const));

test.each(cases)("%s runs on %s", async (_where, generation, query) => {
  const answer = await run(generation, query, fixtures);
  expect(answer.errors ?? []).toEqual([]);
  expect(answer.data).toEqual(expect.any(Object));
});
