// Test fixture: an Express app using express-pitchly the way the README says, against a real local Pitchly.
import express, { type ErrorRequestHandler, type Express } from "express";
import session from "express-session";
import request from "supertest";
import { pitchlyAuth, type PitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { startMockPitchly, type MockPitchly, type MockPitchlyOptions } from "express-pitchly/testing";

export const CLIENT_ID = "app-test";
export const CLIENT_SECRET = "s3cret-test-client-secret";
export const REDIRECT_URI = "http://127.0.0.1:3999/auth/pitchly/callback";

export interface Harness {
  mock: MockPitchly;
  auth: PitchlyAuth;
  app: Express;
  store: session.MemoryStore;
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
      res.json(await req.pitchly.graphql("query { viewer { id name email } }"));
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
  app.use(renderError);
  return { mock, auth, app, store, close: () => mock.close() };
}

export type Agent = ReturnType<typeof request.agent>;

/** Login → consent (approve) → callback, like a browser would; returns the callback response. */
export async function signIn(h: Harness, agent: Agent, loginPath = "/auth/pitchly/login") {
  const login = await agent.get(loginPath).expect(302);
  const consentLocation = await h.mock.approve(login.headers.location as string);
  const callback = new URL(consentLocation);
  return agent.get(`${callback.pathname}${callback.search}`);
}

/** The session id behind the agent's cookie (`connect.sid`), unsigned. */
export function sessionIdOf(setCookie: string[] | string | undefined): string | undefined {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const sid = cookies.map((c) => /connect\.sid=([^;]+)/.exec(c)?.[1]).find(Boolean);
  if (!sid) return undefined;
  const raw = decodeURIComponent(sid);
  return raw.startsWith("s:") ? raw.slice(2, raw.lastIndexOf(".")) : raw;
}

/** All sessions currently in the store, parsed. */
export function storedSessions(store: session.MemoryStore): Record<string, Record<string, unknown>> {
  const all = (store as unknown as { sessions: Record<string, string> }).sessions;
  return Object.fromEntries(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as Record<string, unknown>]));
}
