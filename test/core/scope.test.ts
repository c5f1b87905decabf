// scope the Pitchly way: `scope: ""` goes out as `scope=` at the exchange and every refresh, and caps the access token only.
import request from "supertest";
import { signIn, type Agent, type Harness } from "../helpers/app";
import { WORKSPACE_QUERY, createPlatformHarness } from "../helpers/platform";

let h: Harness;
afterEach(() => h?.close());

const tokenCalls = (h: Harness) =>
  h.mock.requests.filter((r) => r.path === "/api/oauth/token").map((r) => new URLSearchParams(r.body));

interface WorkspaceAnswer {
  organization: { workspaces: Array<{ tables: Array<{ id: string; fields: Array<{ id: string }> }> }> };
}

/** A write as the signed-in user (needs records:update): the first record's first field renamed. */
async function writeMutation(agent: Agent): Promise<string> {
  const ws = (await agent.post("/api/query").send({ query: WORKSPACE_QUERY }).expect(200)).body.data as WorkspaceAnswer;
  const table = ws.organization.workspaces[0]!.tables[0]!;
  const page = await agent
    .post("/api/query")
    .send({ query: `{ recordsConnection(tableId: "${table.id}", first: 1) { edges { node { id } } } }` })
    .expect(200);
  const recordId = (page.body.data as { recordsConnection: { edges: Array<{ node: { id: string } }> } }).recordsConnection
    .edges[0]!.node.id;
  return `mutation { updateRecords(tableId: "${table.id}", records: [{ id: "${recordId}", fields: [{ fieldId: "${table.fields[0]!.id}", value: { val: "Renamed" } }] }]) { id } }`;
}

describe('scope: ""', () => {
  it("is sent as scope= at the exchange and at a refresh, and both tokens read but cannot write", async () => {
    h = await createPlatformHarness({ auth: { scope: "" } });
    const agent = request.agent(h.app);
    expect((await signIn(h, agent)).status).toBe(302);
    const [exchange] = tokenCalls(h);
    expect(exchange?.get("grant_type")).toBe("authorization_code");
    expect(exchange?.toString()).toMatch(/(^|&)scope=(&|$)/);

    const mutation = await writeMutation(agent);
    const denied = await agent.post("/api/query").send({ query: mutation }).expect(502);
    expect(denied.body.errors[0].extensions.code).toBe("FORBIDDEN");

    // A refresh asks for the same read-only scope, so the new access token is read-only too.
    h.mock.expireAccessTokens();
    await agent.post("/api/query").send({ query: WORKSPACE_QUERY }).expect(200);
    const refresh = tokenCalls(h).find((form) => form.get("grant_type") === "refresh_token");
    expect(refresh?.toString()).toMatch(/(^|&)scope=(&|$)/);
    const stillDenied = await agent.post("/api/query").send({ query: mutation }).expect(502);
    expect(stillDenied.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("without a scope option none is sent and the user's token can write", async () => {
    h = await createPlatformHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    expect(tokenCalls(h)[0]?.has("scope")).toBe(false);
    const res = await agent
      .post("/api/query")
      .send({ query: await writeMutation(agent) })
      .expect(200);
    expect(res.body.data.updateRecords).toHaveLength(1);
  });
});
