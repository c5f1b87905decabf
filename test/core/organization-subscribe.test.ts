// clientForOrganization(o).subscribe(): the app's own subscription in an organization survives a refused app token.
import { DEFAULT_ORGANIZATION } from "express-pitchly/testing";
import { PLATFORM_FEED, sequenceOf, signedInSubs, take, until, type FeedEvent, type SubsHarness } from "../helpers/subscriptions";

let h: SubsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it("receives the organization's events, fetches one new app token after a 4403 and resubscribes", async () => {
  h = await signedInSubs("platform");
  const { mock } = h;
  const sub = h.auth.clientForOrganization(DEFAULT_ORGANIZATION.id).subscribe<FeedEvent>(PLATFORM_FEED, { tableId: h.tableId });
  await until("subscribed", () => mock.stats.subscriptions.subscribe === 1);
  const before = [1, 2].map(() => mock.publish({ tableId: h!.tableId }).sequence);
  expect((await take(sub, 2)).map(sequenceOf)).toEqual(before);

  const appTokens = mock.stats.token.client_credentials;
  mock.expireAccessTokens();
  await until("resubscribed", () => mock.stats.subscriptions.subscribe === 2 && mock.stats.subscriptions.open === 1);
  expect(mock.stats.token.client_credentials - appTokens).toBe(1);
  const after = [mock.publish({ tableId: h.tableId }).sequence];
  expect((await take(sub, 1)).map(sequenceOf)).toEqual(after);

  await sub.return();
  await until("socket closed", () => mock.stats.subscriptions.open === 0);
});
