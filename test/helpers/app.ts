// Test fixture: an Express app using express-pitchly the way the README says, against a real local Pitchly.
import type { Server } from "node:http";
import express, { type ErrorRequestHandler, type Express } from "express";
import session from "express-session";
import { pitchlyAuth, type PitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { DEFAULT_ORGANIZATION, startMockPitchly, type MockPitchly, type MockPitchlyOptions } from "express-pitchly/testing";
import { signInThrough, unsignSessionId, type Agent } from "./flows";

export const CLIENT_ID = "app-test";
export const CLIENT_SECRET = "s3cret-test-client-secret";
export const REDIRECT_URI = "http://127.0.0.1:3999/auth/pitchly/callback";
/** v2 has no identity query: the organization's databases prove a call went through as the user. */
export const DATABASES_QUERY =
  "query Dbs($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }";
export const ORG_VARIABLES = { org: DEFAULT_ORGANIZATION.id };
export const DATABASES_ANSWER = { databases: [{ name: "Deals" }, { name: "Contacts" }] };

export interface Harness {
  mock: MockPitchly;
  auth: PitchlyAuth;
  app: Express;
  store: session.MemoryStore;
  /** A real listening server, for tests that fire many concurrent requests. */
  listen(): Server;
  close(): Promise<void>;
}

export interface HarnessOptions {
  auth?: Partial<PitchlyAuthOptions>;
  mock?: Partial<MockPitchlyOptions>;
  /** Leave express-session out, to test the session_missing error. */
  noSession?: boolean;
}

const renderError: ErrorRequestHandler = (err, _req, res, _next) => {
  const e = err as { status?: number; code?: string; message?: string };
  res.status(e.status ?? 500).json({ error: e.code ?? "internal", message: e.message });
};

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const redirectUri = options.auth?.redirectUri ?? REDIRECT_URI;
  const mock = await startMockPitchly({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [redirectUri] }],
    ...options.mock,
  });
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    baseUrl: mock.url,
    httpTimeoutMs: 2000,
    ...options.auth,
  });
  const store = new session.MemoryStore();
  const app = express();
  if (!options.noSession) {
    app.use(session({ secret: "test-session-secret", resave: false, saveUninitialized: false, store }));
  }
  app.use(auth.router);
  app.get("/api/me", auth.requirePitchlyToken(), async (req, res, next) => {
    try {
      res.json(await req.pitchly.graphql(DATABASES_QUERY, ORG_VARIABLES));
    } catch (err) {
      next(err);
    }
  });
  app.get("/api/token", auth.requirePitchlyToken(), (req, res) => {
    res.json({ grantKey: req.pitchly.grantKey, expiresAt: req.pitchly.expiresAt });
  });
  app.get("/page", auth.requirePitchlyToken(), (_req, res) => {
    res.send("<p>protected page</p>");
  });
  app.post("/counter", (req, res) => {
    const s = req.session as unknown as { hits?: number };
    s.hits = (s.hits ?? 0) + 1;
    res.json({ hits: s.hits });
  });
  app.post("/slow-counter", async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, Number(req.query.ms ?? 100)));
    const s = req.session as unknown as { hits?: number };
    s.hits = (s.hits ?? 0) + 1;
    res.json({ hits: s.hits });
  });
  app.post("/api/query", express.json(), auth.requirePitchlyToken(), async (req, res) => {
    try {
      res.json({
        data: await req.pitchly.graphql(String(req.body.query), req.body.variables as Record<string, unknown> | undefined),
      });
    } catch (err) {
      const e = err as { code?: string; errors?: unknown };
      res.status(502).json({ error: e.code, errors: e.errors });
    }
  });
  app.post("/api/refresh", auth.requirePitchlyToken(), async (req, res, next) => {
    try {
      const before = req.pitchly.accessToken;
      await req.pitchly.refresh();
      res.json({ changed: before !== req.pitchly.accessToken, expiresAt: req.pitchly.expiresAt });
    } catch (err) {
      next(err);
    }
  });
  app.use(renderError);
  const servers: Server[] = [];
  return {
    mock,
    auth,
    app,
    store,
    listen() {
      const server = app.listen(0, "127.0.0.1");
      servers.push(server);
      return server;
    },
    async close() {
      for (const server of servers) server.close();
      await mock.close();
    },
  };
}

export type { Agent };

/** Login → consent (approve) → callback, like a browser would; returns the callback response. */
export function signIn(h: Harness, agent: Agent, loginPath = "/auth/pitchly/login") {
  return signInThrough(h.mock, agent, loginPath);
}

/** The session id set by a response's `connect.sid` cookie, unsigned. */
export function sessionIdOf(setCookie: string[] | string | undefined): string | undefined {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const sid = cookies.map((c) => /connect\.sid=([^;]+)/.exec(c)?.[1]).find(Boolean);
  return sid ? unsignSessionId(sid) : undefined;
}

/** All sessions currently in the store, parsed. */
export function storedSessions(store: session.MemoryStore): Record<string, Record<string, unknown>> {
  const all = (store as unknown as { sessions: Record<string, string> }).sessions;
  return Object.fromEntries(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as Record<string, unknown>]));
}

/** The grant record kept in the only signed-in session of the store. */
export function storedGrant(store: session.MemoryStore): {
  grantKey: string;
  rev: number;
  tokens?: { refreshToken?: string; accessToken: string };
} {
  const withGrant = Object.values(storedSessions(store)).filter((s) => s.pitchly);
  if (withGrant.length !== 1) throw new Error(`expected one signed-in session, found ${withGrant.length}`);
  return withGrant[0]!.pitchly as ReturnType<typeof storedGrant>;
}

/** Moves this process's clock (ours and the local Pitchly's) forward. */
export function advanceClock(ms: number): void {
  const base = Date.now();
  const start = performance.now();
  jest.spyOn(Date, "now").mockImplementation(() => base + ms + (performance.now() - start));
}

/** An app protected the catch-all way (`app.use(requirePitchlyToken())` before every route). */
export function catchAllApp(auth: PitchlyAuth, store?: session.Store): Express {
  const app = express();
  app.use(session({ secret: "s", resave: false, saveUninitialized: false, ...(store && { store }) }));
  app.use(auth.router);
  app.use(auth.requirePitchlyToken());
  app.use((_req, res) => res.send("protected"));
  return app;
}
