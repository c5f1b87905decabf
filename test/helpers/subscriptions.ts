// Test support for subscriptions: a signed-in grant on either generation, a log sink, and polling the local Pitchly.
import { get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express, { type Express } from "express";
import session from "express-session";
import pino from "pino";
import request from "supertest";
import { MemoryTokenStore, pitchlyAuth, type PitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { DEFAULT_ORGANIZATION, startMockPitchly, type MockPitchly } from "express-pitchly/testing";
import { signInThrough, type Agent } from "./flows";

export const SUB_CLIENT = {
  clientId: "app-subs",
  clientSecret: "s3cret-subs-client-secret",
  redirectUri: "http://127.0.0.1:3998/auth/pitchly/callback",
};

export const PLATFORM_TABLES = "{ organization { workspaces { tables { id name } } } }";
export const PLATFORM_FEED = "subscription Feed($tableId: ID!) { recordsChanged(tableId: $tableId) { sequence kind recordIds } }";
export const V2_DATABASES =
  "query Dbs($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { _id name } }";
export const V2_FEED =
  "subscription Feed($accessToken: String, $db: ID!) { dataRowsChanged(accessToken: $accessToken, databaseId: $db) { sequence kind rowIds } }";

export type FeedEvent = {
  recordsChanged?: { sequence: number; kind: string };
  dataRowsChanged?: { sequence: number; kind: string };
};

export interface SubsHarness {
  generation: "platform" | "v2";
  mock: MockPitchly;
  auth: PitchlyAuth;
  app: Express;
  agent: Agent;
  grantKey: string;
  /** The Deals table (platform) or database (v2) id. */
  tableId: string;
  logLines: string[];
  server: Server;
  close(): Promise<void>;
}

/** Signs one user in (token store mode, so clientFor() and req.pitchly share the grant) and finds the Deals table. */
export async function signedInSubs(generation: "platform" | "v2", auth: Partial<PitchlyAuthOptions> = {}): Promise<SubsHarness> {
  const mock = await startMockPitchly({
    clients: [{ clientId: SUB_CLIENT.clientId, clientSecret: SUB_CLIENT.clientSecret, redirectUris: [SUB_CLIENT.redirectUri] }],
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  let grantKey = "";
  const pitchly = pitchlyAuth({
    ...SUB_CLIENT,
    platform: generation,
    baseUrl: mock.url,
    // PKCE is required on the platform path (PITCHLY.md).
    ...(generation === "platform" && { graphqlUrl: mock.platformGraphqlUrl, pkce: true }),
    tokenStore: new MemoryTokenStore(),
    logger: pino({ level: "trace" }, sink),
    httpTimeoutMs: 3000,
    onLogin: (ctx) => void (grantKey = ctx.grantKey),
    ...auth,
  });
  const app = express();
  app.use(session({ secret: "subs-test", resave: false, saveUninitialized: false }));
  app.use(pitchly.router);
  app.get("/api/tables", pitchly.requirePitchlyToken(), async (req, res, next) => {
    try {
      res.json(
        generation === "platform"
          ? await req.pitchly.graphql(PLATFORM_TABLES)
          : await req.pitchly.graphql(V2_DATABASES, { org: DEFAULT_ORGANIZATION.id }),
      );
    } catch (err) {
      next(err);
    }
  });
  // The README's pattern: a subscription as the signed-in user, pushed to the browser as server-sent events.
  app.get("/live", pitchly.requirePitchlyToken(), async (req, res) => {
    res.set({ "content-type": "text/event-stream", "cache-control": "no-store" }).flushHeaders();
    const [query, variables] =
      generation === "platform"
        ? [PLATFORM_FEED, { tableId: String(req.query.table) }]
        : [V2_FEED, { db: String(req.query.table) }];
    const events = req.pitchly.subscribe(query, variables);
    req.on("close", () => void events.return());
    try {
      for await (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
      res.end("event: end\ndata: {}\n\n");
    } catch (err) {
      res.end(`event: error\ndata: ${JSON.stringify({ code: (err as { code?: string }).code })}\n\n`);
    }
  });
  const server = app.listen(0, "127.0.0.1");
  // Listening before the first request: supertest would otherwise listen (and close) the server itself.
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const agent = request.agent(server);
  const callback = await signInThrough(mock, agent);
  if (!grantKey) throw new Error(`sign-in did not complete: ${callback.status} ${callback.text}`);
  const tables = (await agent.get("/api/tables").expect(200)).body as {
    organization?: { workspaces: Array<{ tables: Array<{ id: string; name: string }> }> };
    databases?: Array<{ _id: string; name: string }>;
  };
  const tableId = tables.organization ? tables.organization.workspaces[0]!.tables[0]!.id : tables.databases![0]!._id;
  return {
    generation,
    mock,
    auth: pitchly,
    app,
    agent,
    grantKey,
    tableId,
    logLines,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    },
  };
}

/** The feed subscription of the harness's generation, and its variables. */
export function feed(h: SubsHarness): [string, Record<string, unknown>] {
  return h.generation === "platform" ? [PLATFORM_FEED, { tableId: h.tableId }] : [V2_FEED, { db: h.tableId }];
}

export const sequenceOf = (event: FeedEvent): number => (event.recordsChanged ?? event.dataRowsChanged)!.sequence;

/** Polls until `check` holds (the local Pitchly's stats move asynchronously); fails with `what` after 5 s. */
export async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads `n` results from an iterator, failing if it ends first. */
export async function take<T>(iterator: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const result = await iterator.next();
    if (result.done) throw new Error(`the subscription ended after ${out.length} of ${n} results`);
    out.push(result.value);
  }
  return out;
}

export type SseEvent = { event: string; data: Record<string, unknown> };

/** Reads a server-sent-events route as a browser's EventSource would: `events` fills as they arrive, `ended` at the close. */
export function openSse(port: number, path: string, cookie: string): { events: SseEvent[]; ended: Promise<void> } {
  const events: SseEvent[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    get({ host: "127.0.0.1", port, path, headers: { cookie, accept: "text/event-stream" } }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        const frames = buffer.split("\n\n");
        buffer = frames.pop() ?? "";
        for (const frame of frames) {
          const event = /^event: (.+)$/m.exec(frame)?.[1] ?? "message";
          events.push({ event, data: JSON.parse(/^data: (.+)$/m.exec(frame)?.[1] ?? "{}") as Record<string, unknown> });
        }
      });
      res.on("end", () => resolve());
    }).on("error", reject);
  });
  return { events, ended };
}

/** The harness's /live route (the README's SSE pattern) as the agent's browser would open it. */
export function openLive(h: SubsHarness, cookie: string): { events: SseEvent[]; ended: Promise<void> } {
  return openSse((h.server.address() as AddressInfo).port, `/live?table=${h.tableId}`, cookie);
}
