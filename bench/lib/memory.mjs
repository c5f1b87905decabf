// Memory: 100,000 logins that never come back to the callback, heap/RSS after GC; then fresh browsers (informational).
import { cannon } from "./load.mjs";
import { Browser } from "./browser.mjs";
import { MB, round } from "./stats.mjs";

const growth = (after, before) => ({
  heapGrowthMb: round((after.heapUsed - before.heapUsed) / MB, 2),
  rssGrowthMb: round((after.rss - before.rss) / MB, 2),
});

/** `server` is a pitchly.cjs child started with --expose-gc and used for nothing else. */
export async function memory(server, { logins = 100_000, freshLogins = 10_000, warmup = 5_000, log = console.log } = {}) {
  const url = `${server.origin}/auth/pitchly/login`;
  const browser = new Browser(server.origin);
  await browser.startLogin();
  const cookie = browser.cookie;
  const check = (r, expected, what) => {
    if (r.ok3xx !== expected) throw new Error(`${what}: ${r.ok3xx} of ${expected} logins answered 302 (${r.bad} failed)`);
  };

  check(await cannon({ url, cookie, amount: warmup, connections: 10 }), warmup, "warm-up");
  const before = await server.rpc("gc");
  const one = await cannon({ url, cookie, amount: logins, connections: 10 });
  check(one, logins, "one browser");
  const after = await server.rpc("gc");
  const oneBrowser = {
    logins,
    ...growth(after, before),
    loginsPerSec: round(one.rps, 0),
    sessions: await server.rpc("sessionCount"),
  };
  log(
    `  ${logins} logins, one browser: heap ${oneBrowser.heapGrowthMb} MB, rss ${oneBrowser.rssGrowthMb} MB, ${oneBrowser.sessions} session(s) in the store`,
  );

  // No cookie: every login creates a new app session in express-session's MemoryStore.
  const fresh = await cannon({ url, amount: freshLogins, connections: 10 });
  check(fresh, freshLogins, "fresh browsers");
  const end = await server.rpc("gc");
  const freshBrowsers = { logins: freshLogins, ...growth(end, after), sessions: await server.rpc("sessionCount") };
  log(
    `  ${freshLogins} logins, fresh browsers: heap ${freshBrowsers.heapGrowthMb} MB, rss ${freshBrowsers.rssGrowthMb} MB, ${freshBrowsers.sessions} sessions in the store`,
  );

  return {
    logins,
    heapGrowthMb: oneBrowser.heapGrowthMb,
    rssGrowthMb: oneBrowser.rssGrowthMb,
    freshBrowsers,
    detail: { before, after, end, oneBrowser },
  };
}
