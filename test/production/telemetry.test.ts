// Spans and metrics after a full flow: the right names and semconv attributes, and no token, code, secret or cookie anywhere.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { SqliteTokenStore, type TokenSet } from "express-pitchly";
import { graphqlOperation } from "../../src/telemetry/graphql-operation";
import { CLIENT_SECRET, ORG_VARIABLES, advanceClock, createHarness, type Harness } from "../helpers/app";
import { counterValue, installOtel } from "./otel-setup";

const otel = installOtel();
let h: Harness;
const dirs: string[] = [];
afterEach(() => {
  jest.restoreAllMocks();
  otel.reset();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  return h?.close();
});

const TWO_HOURS = 2 * 60 * 60 * 1000;

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "pitchly-otel-"));
  dirs.push(dir);
  return join(dir, "tokens.db");
}

describe("graphqlOperation", () => {
  it.each([
    ["query Viewer { viewer { id } }", { type: "query", name: "Viewer" }],
    ["  # a comment\n mutation InsertRow($row: RowInput) { insertRow(row: $row) }", { type: "mutation", name: "InsertRow" }],
    ["{ viewer { id } }", { type: "query" }],
    ["subscription { dataRowsChanged }", { type: "subscription" }],
    ["fragment F on User { id } query Q { viewer { ...F } }", undefined],
    ["not graphql", undefined],
  ])("reads %j", (query, expected) => {
    expect(graphqlOperation(query)).toEqual(expected);
  });
});

describe("OpenTelemetry", () => {
  it("exports spans and metrics for a full flow with no token, code, secret or cookie in any of them", async () => {
    const filename = sqliteFile();
    const store = new SqliteTokenStore({ filename });
    const issued: TokenSet[] = [];
    const set = store.set.bind(store);
    const cas = store.compareAndSet.bind(store);
    jest.spyOn(store, "set").mockImplementation((key, tokens) => (issued.push(tokens), set(key, tokens)));
    jest
      .spyOn(store, "compareAndSet")
      .mockImplementation((key, expected, tokens) => (issued.push(tokens), cas(key, expected, tokens)));
    let grantKey = "";
    h = await createHarness({ auth: { tokenStore: store, pkce: true, onLogin: (ctx) => void (grantKey = ctx.grantKey) } });
    await otel.collect();
    const waitsBefore = counterValue(otel, "pitchly.lock.waits");
    const agent = request.agent(h.app);

    const login = await agent.get("/auth/pitchly/login").expect(302);
    const back = new URL(await h.mock.approve(login.headers.location as string));
    const callback = await agent.get(`${back.pathname}${back.search}`).expect(302);
    const cookies = ([] as string[]).concat(callback.headers["set-cookie"] ?? []);
    await agent
      .post("/api/query")
      .send({
        query:
          "query Databases($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }",
        variables: ORG_VARIABLES,
      })
      .expect(200);
    // An anonymous operation: its span is named by the type alone.
    await agent
      .post("/api/query")
      .send({
        query: "query ($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }",
        variables: ORG_VARIABLES,
      })
      .expect(200);
    advanceClock(TWO_HOURS);
    await agent.get("/api/me").expect(200);
    // Another "process" holds the refresh lock for a moment: this one waits, then refreshes itself.
    advanceClock(TWO_HOURS);
    const other = new SqliteTokenStore({ filename });
    await other.acquire(`refresh:${grantKey}`, 200);
    await agent.get("/api/me").expect(200);
    other.close();
    h.mock.revokeRefreshTokens();
    advanceClock(TWO_HOURS);
    await agent.get("/api/me").expect(401);
    store.close();

    const spans = otel.spans();
    const names = spans.map((s) => s.name);
    expect(names.filter((n) => n === "pitchly.token.exchange")).toHaveLength(1);
    expect(names.filter((n) => n === "pitchly.token.refresh")).toHaveLength(3);
    expect(names.filter((n) => n === "pitchly.lock.wait")).toHaveLength(1);
    expect(names).toContain("query Databases");
    expect(names).toContain("query");

    const exchange = spans.find((s) => s.name === "pitchly.token.exchange")!;
    const pitchly = new URL(h.mock.url);
    expect(exchange.attributes).toMatchObject({
      "http.request.method": "POST",
      "server.address": pitchly.hostname,
      "server.port": Number(pitchly.port),
      "http.response.status_code": 200,
    });
    const query = spans.find((s) => s.name === "query Databases")!;
    expect(query.attributes).toMatchObject({
      "graphql.operation.type": "query",
      "graphql.operation.name": "Databases",
      "http.response.status_code": 200,
    });
    expect(spans.find((s) => s.name === "pitchly.lock.wait")!.attributes["pitchly.lock.outcome"]).toBe("acquired");
    const failed = spans.filter((s) => s.name === "pitchly.token.refresh" && s.attributes["error.type"] === "refresh_rejected");
    expect(failed).toHaveLength(1);

    const exported = await otel.collect();
    expect(counterValue(otel, "pitchly.lock.waits") - waitsBefore).toBe(1);
    expect(otel.points("pitchly.refresh.duration").length).toBeGreaterThan(0);

    const secrets = [
      CLIENT_SECRET,
      back.searchParams.get("code")!,
      back.searchParams.get("state")!,
      ...issued.flatMap((t) => [t.accessToken, t.refreshToken!]),
      ...cookies.map((c) => c.split(";")[0]!.split("=")[1]!),
    ];
    expect(issued.length).toBeGreaterThanOrEqual(3);
    const everything = JSON.stringify({
      spans: spans.map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        status: s.status,
        links: s.links,
        resource: s.resource.attributes,
      })),
      metrics: exported,
    });
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(everything).not.toContain(secret);
    }
    // The query text and variables never travel either.
    expect(everything).not.toContain("databases(accessToken");
    expect(everything).not.toContain("accessToken");
  });
});
