// An Express app using express-pitchly through its public API only, pointed at oidc-provider.
import { createServer, type Server } from "node:http";
import express, { type ErrorRequestHandler } from "express";
import session from "express-session";
import request from "supertest";
import { pitchlyAuth, type PitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { advanceClock } from "../helpers/app";
import {
  codeGrants,
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  startOidcProvider,
  tokenHash,
  type OidcProvider,
  type ProviderKnobs,
  type TokenCall,
} from "./provider";

/** Where the router is mounted (`app.use(mount, router)`): the root, or under a prefix. */
export type Mount = "" | "/sso";
/** The callback URL for a router mounted at `mount`; oidc-provider has both registered. */
export const redirectUriFor = (mount: Mount): string => `http://127.0.0.1:3999${mount}/auth/pitchly/callback`;
export const REDIRECT_URI = redirectUriFor("");
/** oidc-provider's `ttl.AccessToken` for the suite (Pitchly's is 2 hours). */
export const ACCESS_TOKEN_TTL_SECONDS = 120;

/** Past the access token's lifetime and any leeway, on the app's clock only: oidc-provider keeps real time. */
export const expireAccessToken = (): void => advanceClock((ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);

export type Agent = ReturnType<typeof request.agent>;

export interface OidcHarness {
  provider: OidcProvider;
  /** The package's current instance (a new one after `restart()`). */
  readonly auth: PitchlyAuth;
  /** A listening app server, so concurrent requests really are concurrent. */
  server: Server;
  agent(): Agent;
  /** Login route → oidc-provider's authorization endpoint and interaction → callback; returns the callback's response. */
  signIn(agent: Agent): Promise<request.Response>;
  /** The next `POST /api/write` changes the session at once, then waits for `release()` before it ends (and saves). */
  holdNextWrite(): { entered: Promise<void>; release(): void };
  /** A new process, as far as the package can tell: a fresh pitchlyAuth() and app on the same session store. */
  restart(): void;
  close(): Promise<void>;
}

export interface AppOptions extends Partial<PitchlyAuthOptions> {
  mount?: Mount;
}

const renderError: ErrorRequestHandler = (err, _req, res, _next) => {
  const e = err as { status?: number; code?: string };
  res.status(e.status ?? 500).json({ error: e.code ?? "internal" });
};

export interface OidcSuite {
  readonly provider: OidcProvider;
  /** A fresh app for this test, closed after it. */
  app(options?: AppOptions): Promise<OidcHarness>;
}

/** One oidc-provider per test file; per test: events cleared, knobs reset, the app closed, the clock restored. */
export function oidcSuite(knobs: Partial<ProviderKnobs> = {}): OidcSuite {
  let provider: OidcProvider | undefined;
  let current: OidcHarness | undefined;
  beforeAll(async () => {
    provider = await startOidcProvider({
      redirectUris: [REDIRECT_URI, redirectUriFor("/sso")],
      accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      ...knobs,
    });
  });
  afterAll(() => provider?.close());
  beforeEach(() => provider!.clearEvents());
  afterEach(async () => {
    jest.restoreAllMocks();
    await current?.close();
    current = undefined;
    await provider!.reset();
  });
  return {
    get provider() {
      return provider!;
    },
    async app(options) {
      current = await createOidcApp(provider!, options);
      return current;
    },
  };
}

export async function createOidcApp(provider: OidcProvider, { mount = "", ...options }: AppOptions = {}): Promise<OidcHarness> {
  // Outlive a restart, as a real session store (and a persistent token store) would.
  const sessionStore = new session.MemoryStore();
  const holds: Array<{ entered(): void; released: Promise<void> }> = [];
  const build = () => {
    const auth = pitchlyAuth({
      clientId: OIDC_CLIENT_ID,
      clientSecret: OIDC_CLIENT_SECRET,
      redirectUri: redirectUriFor(mount),
      authorizeUrl: provider.authorizationEndpoint,
      tokenUrl: provider.tokenEndpoint,
      scope: "read write",
      httpTimeoutMs: 5000,
      ...options,
    });
    const app = express();
    app.use(session({ secret: "oidc-suite-session-secret", resave: false, saveUninitialized: false, store: sessionStore }));
    if (mount) app.use(mount, auth.router);
    else app.use(auth.router);
    // What the tests see of the token: a hash and a length, never the token.
    app.get("/api/x", auth.requirePitchlyToken(), (req, res) => {
      res.json({ hash: tokenHash(req.pitchly.accessToken), length: req.pitchly.accessToken.length });
    });
    // An app route of its own (outside the router), as apps have: it writes the session, saved when it ends.
    app.post("/api/write", (req, res) => {
      const data = req.session as unknown as { writes?: number };
      data.writes = (data.writes ?? 0) + 1;
      const hold = holds.shift();
      if (!hold) return void res.json({ writes: data.writes });
      hold.entered();
      void hold.released.then(() => res.json({ writes: data.writes }));
    });
    app.use(renderError);
    return { auth, app };
  };
  let current = build();
  const server = createServer((req, res) => current.app(req, res));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    provider,
    get auth() {
      return current.auth;
    },
    server,
    agent: () => request.agent(server),
    async signIn(agent) {
      const login = await agent.get(`${mount}/auth/pitchly/login`).expect(302);
      const back = await provider.authorize(String(login.headers.location));
      return agent.get(`${back.pathname}${back.search}`);
    },
    holdNextWrite() {
      let entered!: () => void;
      let release!: () => void;
      const hold = {
        entered: new Promise<void>((done) => (entered = done)),
        released: new Promise<void>((done) => (release = done)),
      };
      holds.push({ entered, released: hold.released });
      return { entered: hold.entered, release };
    },
    restart() {
      current = build();
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Signs in (expecting the callback's redirect) and returns the code grant oidc-provider answered for it. */
export async function signInForGrant(h: OidcHarness, agent: Agent): Promise<TokenCall> {
  const callback = await h.signIn(agent);
  expect(callback.status).toBe(302);
  const grant = codeGrants(await h.provider.events()).at(-1);
  expect(grant?.answer?.refreshToken).toEqual(expect.any(String));
  expect(grant?.grantId).toEqual(expect.any(String));
  return grant!;
}

/** The access token the app holds right now, as `{ hash, length }`. */
export async function currentToken(agent: Agent): Promise<{ hash: string; length: number }> {
  const res = await agent.get("/api/x").set("accept", "application/json").expect(200);
  return res.body as { hash: string; length: number };
}
