// The profile page's live "deal changed" feed: a Pitchly subscription on the server, pushed to the page as server-sent events.
import { Router, type Request } from "express";
import type { PitchlyAuth, PitchlyRequestContext } from "express-pitchly";
import type { DemoConfig } from "../config";

type Feed = { subscription: string; variables: Record<string, unknown> };
type Change = { kind: string; ids: string[] };

// pitchly-queries: v2
const V2_DATABASES =
  "query Dbs($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { _id name } }";
const V2_FEED =
  "subscription Deals($accessToken: String, $db: ID!) { dataRowsChanged(accessToken: $accessToken, databaseId: $db) { kind rowIds } }";
// pitchly-queries: platform
const PLATFORM_TABLES = "{ organization { workspaces { tables { id name } } } }";
const PLATFORM_FEED = "subscription Deals($table: ID!) { recordsChanged(tableId: $table) { kind recordIds } }";

/** Which subscription watches the organization's "Deals" (or first) table, per generation. */
async function dealsFeed(pitchly: PitchlyRequestContext, config: DemoConfig): Promise<Feed | undefined> {
  if (config.platform === "platform") {
    const answer = await pitchly.graphql<{
      organization: { workspaces: Array<{ tables: Array<{ id: string; name: string }> }> };
    }>(PLATFORM_TABLES);
    const tables = answer.organization.workspaces.flatMap((w) => w.tables);
    const table = tables.find((t) => t.name === "Deals") ?? tables[0];
    return table && { subscription: PLATFORM_FEED, variables: { table: table.id } };
  }
  // v2 has no "who am I" query: the organization comes from the configuration.
  if (!config.organizationId) return undefined;
  const { databases } = await pitchly.graphql<{ databases: Array<{ _id: string; name: string }> }>(V2_DATABASES, {
    org: config.organizationId,
  });
  const db = databases.find((d) => d.name === "Deals") ?? databases[0];
  return db && { subscription: V2_FEED, variables: { db: db._id } };
}

function asChange(event: unknown): Change {
  const e = event as {
    dataRowsChanged?: { kind: string; rowIds: string[] };
    recordsChanged?: { kind: string; recordIds: string[] };
  };
  if (e.dataRowsChanged) return { kind: e.dataRowsChanged.kind, ids: e.dataRowsChanged.rowIds };
  return { kind: e.recordsChanged?.kind ?? "update", ids: e.recordsChanged?.recordIds ?? [] };
}

export function liveFeedRoutes(auth: PitchlyAuth, config: DemoConfig): Router {
  const router = Router();
  router.get("/profile/live", auth.requirePitchlyToken({ redirectToLogin: false }), async (req: Request, res, next) => {
    let feed: Feed | undefined;
    try {
      feed = await dealsFeed(req.pitchly, config);
    } catch (err) {
      return next(err);
    }
    res.set({ "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" }).flushHeaders();
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (!feed) return void res.end(send("unavailable", { message: "No table to watch in this organization." }));
    const changes = req.pitchly.subscribe(feed.subscription, feed.variables);
    // The tab went away: unsubscribe (the grant's socket closes with its last subscription).
    res.on("close", () => void changes.return());
    send("ready", {});
    try {
      // Token expiries happen inside this loop, invisibly: the package refreshes and resubscribes.
      for await (const event of changes) send("change", { ...asChange(event), at: Date.now() });
      send("ended", { message: "Signed out: the live feed stopped." });
    } catch (err) {
      send("ended", { message: `The live feed stopped (${(err as { code?: string }).code ?? "error"}).` });
    }
    res.end();
  });
  return router;
}
