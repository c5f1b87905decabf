// subscribe() across token rotation: 4403 → one refresh shared with HTTP requests → resubscribed, nothing seen by the loop.
import { feed, sequenceOf, signedInSubs, take, until, type FeedEvent, type SubsHarness } from "../helpers/subscriptions";

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
});
