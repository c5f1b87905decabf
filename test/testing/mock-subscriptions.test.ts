// The local Pitchly's websocket subscriptions: both generations, events from writes and publish(), 4403, drops, stats.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { DEFAULT_ORGANIZATION, startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { until } from "../helpers/subscriptions";

let mock: MockPitchly;
const clients: Client[] = [];
beforeEach(async () => {
  mock = await startMockPitchly({
    clients: [{ clientId: "app", clientSecret: "app-secret", redirectUris: ["http://127.0.0.1/cb"] }],
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await mock.close();
});

/** A bare graphql-ws client that never retries, recording each close code. */
function connect(url: string, connectionParams: Record<string, unknown> = {}) {
  const closes: number[] = [];
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => void closes.push((e as { code: number }).code) },
  });
  clients.push(client);
  return { client, closes };
}

/** Collects a subscription's results; `done` settles with the sink's error (or undefined on completion). */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const results: Array<Record<string, unknown>> = [];
  const done = new Promise<unknown>((resolve) => {
    client.subscribe(
      { query, variables },
      { next: (r) => void results.push(r as Record<string, unknown>), error: resolve, complete: () => resolve(undefined) },
    );
  });
  return { results, done };
}

async function v2Deals(token: string): Promise<{ id: string; amountField: string }> {
  const res = await fetch(mock.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "query($t: String, $o: ID!) { databases(accessToken: $t, organizationId: $o) { _id name fields { _id name } } }",
      variables: { t: token, o: DEFAULT_ORGANIZATION.id },
    }),
  });
  const body = (await res.json()) as {
    data?: { databases: Array<{ _id: string; name: string; fields: Array<{ _id: string; name: string }> }> };
    errors?: unknown;
  };
  const deals = body.data?.databases.find((d) => d.name === "Deals");
  if (!deals) throw new Error(`no Deals database: ${JSON.stringify(body)}`);
  return { id: deals._id, amountField: deals.fields.find((f) => f.name === "Amount")!._id };
}

describe("platform subscriptions at {url}/subscriptions", () => {
  it("refuses a connection without a valid Bearer token with 4403", async () => {
    const { client, closes } = connect(mock.platformSubscriptionsUrl, { authorization: "Bearer plyu_not-a-token" });
    const { done } = collect(client, 'subscription { recordsChanged(tableId: "x") { sequence } }', {});
    expect(await done).toMatchObject({ code: 4403 });
    expect(closes).toEqual([4403]);
    expect(mock.stats.subscriptions).toMatchObject({ connections: 1, forbidden: 1, subscribe: 0 });
  });

  it("delivers published changes, then closes with 4403 when expireAccessTokens() expires the token", async () => {
    const token = mock.issueTokens({ clientId: "app", generation: "platform" }).access_token;
    const tables = await fetch(mock.platformGraphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ organization { workspaces { tables { id name } } } }" }),
    });
    const table = ((await tables.json()) as { data: { organization: { workspaces: Array<{ tables: Array<{ id: string }> }> } } })
      .data.organization.workspaces[0]!.tables[0]!;
    const { client, closes } = connect(mock.platformSubscriptionsUrl, { authorization: `Bearer ${token}` });
    const { results, done } = collect(
      client,
      "subscription($t: ID!) { recordsChanged(tableId: $t) { tableId kind recordIds sequence } }",
      { t: table.id },
    );
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
    expect(mock.stats.subscriptions.open).toBe(1);
    const { sequence } = mock.publish({ tableId: table.id, kind: "delete", rowIds: ["rec1"] });
    await until("event", () => results.length === 1);
    expect(results[0]).toEqual({
      data: { recordsChanged: { tableId: table.id, kind: "delete", recordIds: ["rec1"], sequence } },
    });
    mock.expireAccessTokens();
    expect(await done).toMatchObject({ code: 4403 });
    expect(closes).toEqual([4403]);
    await until("closed", () => mock.stats.subscriptions.open === 0);
  });
});

it("closes with 4403 at the next event when a token has run out by time", async () => {
  const token = mock.issueTokens({ clientId: "app" }).access_token;
  const deals = await v2Deals(token);
  const { client, closes } = connect(mock.v2SubscriptionsUrl);
  const { results, done } = collect(
    client,
    "subscription($t: String, $d: ID!) { dataRowsChanged(accessToken: $t, databaseId: $d) { kind } }",
    { t: token, d: deals.id },
  );
  await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
  const later = Date.now() + 3 * 60 * 60 * 1000;
  jest.spyOn(Date, "now").mockImplementation(() => later);
  mock.publish({ tableId: deals.id });
  expect(await done).toMatchObject({ code: 4403 });
  jest.restoreAllMocks();
  expect(results).toEqual([]);
  expect(closes).toEqual([4403]);
});

describe("v2 subscriptions at {url}/graphql (invented URL)", () => {
  it("publishes a change when a row is written through GraphQL", async () => {
    const token = mock.issueTokens({ clientId: "app" }).access_token;
    const deals = await v2Deals(token);
    const { client } = connect(mock.v2SubscriptionsUrl);
    const feed = collect(
      client,
      "subscription($t: String, $d: ID!) { dataRowsChanged(accessToken: $t, databaseId: $d) { kind rowIds rows { _id } } }",
      { t: token, d: deals.id },
    );
    const db = collect(client, "subscription($t: String, $d: ID!) { databaseUpdated(accessToken: $t, id: $d) { name } }", {
      t: token,
      d: deals.id,
    });
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 2);
    expect(mock.stats.subscriptions.connections).toBe(1);
    const insert = await fetch(mock.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query:
          "mutation($t: String, $d: ID!, $f: ID!) { insertRow(accessToken: $t, databaseId: $d, row: { cols: [{ fieldId: $f, value: { val: 5 } }] }) { _id } }",
        variables: { t: token, d: deals.id, f: deals.amountField },
      }),
    });
    const rowId = ((await insert.json()) as { data: { insertRow: { _id: string } } }).data.insertRow._id;
    await until("row event", () => feed.results.length === 1);
    expect(feed.results[0]).toEqual({ data: { dataRowsChanged: { kind: "insert", rowIds: [rowId], rows: [{ _id: rowId }] } } });
    mock.publish({ tableId: deals.id, kind: "database" });
    await until("database event", () => db.results.length === 1);
    expect(db.results[0]).toEqual({ data: { databaseUpdated: { name: "Deals" } } });
    expect(feed.results).toHaveLength(1);
  });

  it("closes with 4403 when a subscription's accessToken is bad", async () => {
    const token = mock.issueTokens({ clientId: "app" }).access_token;
    const deals = await v2Deals(token);
    const { client, closes } = connect(mock.v2SubscriptionsUrl);
    const { done } = collect(
      client,
      "subscription($t: String, $d: ID!) { dataRowsChanged(accessToken: $t, databaseId: $d) { kind } }",
      { t: "bad", d: deals.id },
    );
    expect(await done).toMatchObject({ code: 4403 });
    expect(closes).toEqual([4403]);
  });

  it("drops sockets on demand and refuses upgrades through the subscriptions fault", async () => {
    const token = mock.issueTokens({ clientId: "app" }).access_token;
    const deals = await v2Deals(token);
    const { client } = connect(mock.v2SubscriptionsUrl);
    const { done } = collect(
      client,
      "subscription($t: String, $d: ID!) { dataRowsChanged(accessToken: $t, databaseId: $d) { kind } }",
      { t: token, d: deals.id },
    );
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
    expect(mock.dropSubscriptionSockets()).toBe(1);
    expect(await done).toMatchObject({ code: 1006 });
    mock.setFaults({ subscriptions: { status: 503, times: 1 } });
    const refused = connect(mock.v2SubscriptionsUrl);
    const second = collect(
      refused.client,
      "subscription($t: String, $d: ID!) { dataRowsChanged(accessToken: $t, databaseId: $d) { kind } }",
      { t: token, d: deals.id },
    );
    expect(await second.done).toBeDefined();
    expect(mock.stats.subscriptions.connections).toBe(1);
  });
});
