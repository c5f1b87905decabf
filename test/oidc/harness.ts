// An Express app using express-pitchly through its public API only, pointed at oidc-provider.
import type { Server } from "node:http";
import express, { type ErrorRequestHandler } from "express";
import session from "express-session";
import request from "supertest";
import { pitchlyAuth, type PitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { advanceClock } from "../helpers/app";
import {
  codeGrants, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, startOidcProvider, tokenHash,
  type OidcProvider, type ProviderKnobs, type TokenCall,
} from "./provider";

export const REDIRECT_URI = "http://127.0.0.1:3999/auth/pitchly/callback";
/** oidc-provider's `ttl.AccessToken` for the suite (Pitchly's is 2 hours). */
export const ACCESS_TOKEN_TTL_SECONDS = 120;

/** Past the access token's lifetime and any leeway, on the app's clock only: oidc-provider keeps real time. */
export const expireAccessToken = (): void => advanceClock((ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);

export type Agent = ReturnType<typeof request.agent>;

export interface OidcHarness {
  provider: OidcProvider;
  auth: PitchlyAuth;
  /** A listening app server, so concurrent requests really are concurrent. */
  server: Server;
  agent(): Agent;
  /** Login route → oidc-provider's authorization endpoint and interaction → callback; returns the callback's response. */
  signIn(agent: Agent): Promise<request.Response>;
  close(): Promise<void>;
}

const renderError: ErrorRequestHandler = (err, _req, res, _next) => {
  const e = err as { status?: number; code?: string };
  res.status(e.status ?? 500).json({ error: e.code ?? "internal" });
};

export interface OidcSuite {
  readonly provider: OidcProvider;
  /** A fresh app for this test, closed after it. */
  app(options?: Partial<PitchlyAuthOptions>): Promise<OidcHarness>;
}

/** One oidc-provider per test file; per test: events cleared, knobs reset, the app closed, the clock restored. */
export function oidcSuite(knobs: Partial<ProviderKnobs> = {}): OidcSuite {
  let provider: OidcProvider | undefined;
  let current: OidcHarness | undefined;
  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUri: REDIRECT_URI, accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS, ...knobs });
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

export async function createOidcApp(provider: OidcProvider, options: Partial<PitchlyAuthOptions> = {}): Promise<OidcHarness> {
  const auth = pitchlyAuth({
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    authorizeUrl: provider.authorizationEndpoint,
    tokenUrl: provider.tokenEndpoint,
    scope: "read write",
    httpTimeoutMs: 5000,
    ...options,
  });
  const app = express();
  app.use(session({ secret: "oidc-suite-session-secret", resave: false, saveUninitialized: false }));
  app.use(auth.router);
  // What the tests see of the token: a hash and a length, never the token.
  app.get("/api/x", auth.requirePitchlyToken(), (req, res) => {
    res.json({ hash: tokenHash(req.pitchly.accessToken), length: req.pitchly.accessToken.length });
  });
  app.use(renderError);
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((done) => server.once("listening", () => done()));
  return {
    provider,
    auth,
    server,
    agent: () => request.agent(server),
    async signIn(agent) {
      const login = await agent.get("/auth/pitchly/login").expect(302);
      const back = await provider.authorize(String(login.headers.location));
      return agent.get(`${back.pathname}${back.search}`);
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
