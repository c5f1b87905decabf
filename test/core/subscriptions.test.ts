// subscribe() across token rotation: 4403 → one refresh shared with HTTP requests → resubscribed, nothing seen by the loop.
import { PitchlyAuthError, PitchlyGraphQLError } from "express-pitchly";
import { agentCookie } from "../helpers/flows";
import {
  feed,
  openLive,
  sequenceOf,
  signedInSubs,
  take,
  until,
  type FeedEvent,
  type SubsHarness,
} from "../helpers/subscriptions";

let h: SubsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(["platform", "v2"] as const)("subscriptions on %s", (generation) => {
  it("survives an expiry: one refresh shared with 20 concurrent requests, every later event delivered", async () => {
    h = await signedInSubs(generation);
    const { mock } = h;
    const sub = h.auth.clientFor(h.grantKey).subscribe<FeedEvent>(...feed(h));
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
    const before = [1, 2, 3].map(() => mock.publish({ tableId: h!.tableId }).sequence);
    expect((await take(sub, 3)).map(sequenceOf)).toEqual(before);

    const refreshes = mock.stats.token.refresh_token;
    mock.expireAccessTokens();
    expect(mock.stats.subscriptions.forbidden).toBe(1);
    const answers = await Promise.all(Array.from({ length: 20 }, () => h!.agent.get("/api/tables")));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    await until("resubscribed", () => mock.stats.subscriptions.subscribe === 2 && mock.stats.subscriptions.open === 1);
    expect(mock.stats.token.refresh_token - refreshes).toBe(1);

    const after = [1, 2, 3].map(() => mock.publish({ tableId: h!.tableId }).sequence);
    expect((await take(sub, 3)).map(sequenceOf)).toEqual(after);
    expect(mock.stats.token.refresh_token - refreshes).toBe(1);
    await sub.return();
    await until("socket closed", () => mock.stats.subscriptions.open === 0);

    const secrets = mock.issuedSecrets();
    expect(secrets.length).toBeGreaterThan(2);
    const log = h.logLines.join("");
    expect(log).toContain("subscription socket closed");
    for (const secret of secrets) expect(log).not.toContain(secret);
  });

  it("reconnects a dropped socket and resubscribes, without a refresh", async () => {
    h = await signedInSubs(generation);
    const { mock } = h;
    const sub = h.auth.clientFor(h.grantKey).subscribe<FeedEvent>(...feed(h));
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
    const first = mock.publish({ tableId: h.tableId }).sequence;
    expect((await take(sub, 1)).map(sequenceOf)).toEqual([first]);
    // Two refused upgrades after the drop: the client backs off and keeps trying.
    mock.setFaults({ subscriptions: { drop: true, times: 2 } });
    expect(mock.dropSubscriptionSockets()).toBe(1);
    await until("reconnected", () => mock.stats.subscriptions.subscribe === 2 && mock.stats.subscriptions.open === 1);
    expect(mock.stats.subscriptions.connections).toBe(2);
    const later = [1, 2].map(() => mock.publish({ tableId: h!.tableId }).sequence);
    expect((await take(sub, 2)).map(sequenceOf)).toEqual(later);
    expect(mock.stats.token.refresh_token).toBe(0);
    await sub.return();
  });

  it("break unsubscribes and closes the socket", async () => {
    h = await signedInSubs(generation);
    const { mock } = h;
    await until("no socket yet", () => mock.stats.subscriptions.open === 0);
    const seen: number[] = [];
    const sub = h.auth.clientFor(h.grantKey).subscribe<FeedEvent>(...feed(h));
    await until("subscribed", () => mock.stats.subscriptions.open === 1 && mock.stats.subscriptions.subscribe === 1);
    mock.publish({ tableId: h.tableId });
    for await (const event of sub) {
      seen.push(sequenceOf(event));
      break;
    }
    expect(seen).toHaveLength(1);
    await until("socket closed", () => mock.stats.subscriptions.open === 0);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
  });

  it("logout ends every subscription of the grant: the SSE route's loop and a background job's", async () => {
    h = await signedInSubs(generation);
    const { mock } = h;
    const live = openLive(h, agentCookie(h.agent));
    const job = h.auth.clientFor(h.grantKey).subscribe<FeedEvent>(...feed(h));
    await until("both subscribed on one socket", () => mock.stats.subscriptions.subscribe === 2);
    expect(mock.stats.subscriptions.connections).toBe(1);
    const sequence = mock.publish({ tableId: h.tableId }).sequence;
    expect((await take(job, 1)).map(sequenceOf)).toEqual([sequence]);
    await until("event pushed to the page", () => live.events.length === 1);
    expect(live.events[0]).toMatchObject({
      event: "message",
      data: { [generation === "platform" ? "recordsChanged" : "dataRowsChanged"]: { sequence } },
    });

    await h.agent.post("/auth/pitchly/logout").expect(302);
    await live.ended;
    expect(live.events.map((e) => e.event)).toEqual(["message", "end"]);
    expect(await job.next()).toEqual({ done: true, value: undefined });
    await until("socket closed", () => mock.stats.subscriptions.open === 0);
  });

  it("100 subscriptions of one grant share one socket and one refresh on expiry", async () => {
    h = await signedInSubs(generation);
    const { mock } = h;
    const subs = Array.from({ length: 100 }, () => h!.auth.clientFor(h!.grantKey).subscribe<FeedEvent>(...feed(h!)));
    await until("all subscribed", () => mock.stats.subscriptions.subscribe === 100);
    expect(mock.stats.subscriptions.connections).toBe(1);
    mock.expireAccessTokens();
    await until("all resubscribed", () => mock.stats.subscriptions.subscribe === 200 && mock.stats.subscriptions.open === 1);
    expect(mock.stats.subscriptions.connections).toBe(2);
    expect(mock.stats.token.refresh_token).toBe(1);
    const sequence = mock.publish({ tableId: h.tableId }).sequence;
    const firsts = await Promise.all(subs.map((sub) => take(sub, 1)));
    expect(firsts.map(([event]) => sequenceOf(event!))).toEqual(Array(100).fill(sequence));
    await Promise.all(subs.map((sub) => sub.return()));
    await until("socket closed", () => mock.stats.subscriptions.open === 0);
  });

  it("a GraphQL error other than auth rejects the loop with PitchlyGraphQLError", async () => {
    h = await signedInSubs(generation);
    const [query, variables] = feed(h);
    const wrongTable = Object.fromEntries(Object.entries(variables).map(([k]) => [k, "no-such-table"]));
    const sub = h.auth.clientFor(h.grantKey).subscribe(query, wrongTable);
    const error = await sub.next().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(PitchlyGraphQLError);
    expect((error as PitchlyGraphQLError).errors[0]?.message).toMatch(/no-such-table/);
    expect(h.mock.stats.token.refresh_token).toBe(0);
  });

  it("a grant Pitchly no longer accepts rejects the loop with PitchlyAuthError", async () => {
    h = await signedInSubs(generation);
    const { mock } = h;
    const sub = h.auth.clientFor(h.grantKey).subscribe<FeedEvent>(...feed(h));
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
    mock.revokeRefreshTokens();
    mock.expireAccessTokens();
    const error = await sub.next().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(PitchlyAuthError);
    expect((error as PitchlyAuthError).code).toBe("refresh_rejected");
    await until("socket closed", () => mock.stats.subscriptions.open === 0);
  });

  it("in session mode (no token store), req.pitchly.subscribe survives an expiry and the rotation reaches the session", async () => {
    h = await signedInSubs(generation, { tokenStore: undefined });
    const { mock } = h;
    const live = openLive(h, agentCookie(h.agent));
    await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
    mock.expireAccessTokens();
    await until("resubscribed", () => mock.stats.subscriptions.subscribe === 2 && mock.stats.subscriptions.open === 1);
    const { sequence } = mock.publish({ tableId: h.tableId });
    await until("event pushed to the page", () => live.events.length === 1);
    expect(JSON.stringify(live.events[0]!.data)).toContain(`"sequence":${sequence}`);
    expect(mock.stats.token.refresh_token).toBe(1);
    // The session holds the rotated pair: the next request needs no refresh of its own.
    await h.agent.get("/api/tables").expect(200);
    expect(mock.stats.token.refresh_token).toBe(1);
    await h.agent.post("/auth/pitchly/logout").expect(302);
    await live.ended;
  });
});
