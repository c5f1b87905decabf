// The profile's live feed: a subscription on the server, server-sent events to the page, across an expiry, ended by logout.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { agentCookie } from "../helpers/flows";
import { openSse, until } from "../helpers/subscriptions";
import { APP_URL, expectNoTokens, signIn, startDemoHarness, type DemoHarness } from "./demo-harness";

let h: DemoHarness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
  h = server = undefined;
});

it("pushes each deal change to the page, keeps going through an expiry, and stops at logout", async () => {
  h = await startDemoHarness();
  server = h.app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server!.once("listening", () => resolve()));
  const agent = request.agent(server);
  await signIn(h, agent);
  const { mock } = h.local;
  const stream = openSse((server.address() as AddressInfo).port, "/profile/live", agentCookie(agent, "dealdesk.sid"));
  await until("subscribed", () => stream.events.some((e) => e.event === "ready") && mock.stats.subscriptions.subscribe === 1);

  // The Deals table's id, asked of the local Pitchly's GraphQL as any app would.
  const token = mock.issueTokens({ clientId: h.config.clientId, generation: "platform" }).access_token;
  const answer = await fetch(mock.platformGraphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ organization { workspaces { tables { id name } } } }" }),
  });
  const tables = (
    (await answer.json()) as { data: { organization: { workspaces: Array<{ tables: Array<{ id: string; name: string }> }> } } }
  ).data.organization.workspaces[0]!.tables;
  const deals = tables.find((t) => t.name === "Deals")!;

  mock.publish({ tableId: deals.id, rowIds: ["r1"] });
  await until("first change on the page", () => stream.events.some((e) => e.event === "change"));
  mock.expireAccessTokens();
  await until(
    "resubscribed after the 4403",
    () => mock.stats.subscriptions.subscribe === 2 && mock.stats.subscriptions.open === 1,
  );
  mock.publish({ tableId: deals.id, kind: "insert", rowIds: ["r2", "r3"] });
  await until("second change on the page", () => stream.events.filter((e) => e.event === "change").length === 2);
  expect(stream.events.filter((e) => e.event === "change").map((e) => [e.data.kind, e.data.ids])).toEqual([
    ["update", ["r1"]],
    ["insert", ["r2", "r3"]],
  ]);
  expect(mock.stats.token.refresh_token).toBe(1);

  await agent.post("/auth/pitchly/logout").set("Origin", APP_URL).expect(302);
  await stream.ended;
  expect(stream.events.at(-1)).toMatchObject({ event: "ended", data: { message: expect.stringContaining("Signed out") } });
  await until("socket closed", () => mock.stats.subscriptions.open === 0);
  expectNoTokens(JSON.stringify(stream.events));
});
