// pitchlyAuth(options): validates once, wires each layer with only what it needs, hands out router and middleware.
import type { Request, RequestHandler, Router } from "express";
import { PitchlyConfigError } from "./errors";
import { StoreBackend } from "./grant/grant-backend";
import { GrantClient, type GrantClientDeps, type PitchlyClient } from "./grant/grant-client";
import { createOrganizationClients, type OrganizationClient } from "./grant/organization-client";
import { resolveProfile } from "./grant/profile";
import { createLoginProfile } from "./http/login-profile";
import { signOrganizationToken, type SignOrganizationTokenOptions } from "./pitchly/org-jwt";
import { RefreshCoordinator } from "./grant/refresh-coordinator";
import { Backoff } from "./grant/backoff";
import { Hooks } from "./grant/hooks";
import { createReadinessCheck, type ReadinessReport } from "./grant/readiness";
import { RefreshEvents } from "./grant/refresh-events";
import { describeProxy } from "./pitchly/egress";
import { SubscriptionHub } from "./grant/subscriptions";
import { createFrameCheck } from "./http/frame-headers";
import { createMountCheck } from "./http/mount-check";
import { createRequirePitchlyToken, type RequirePitchlyTokenOptions } from "./http/require-token";
import { createRouter } from "./http/router";
import { createLogger } from "./logger";
import { parseOptions, type PitchlyAuthOptions } from "./options/schema";
import { checkEndpoints } from "./pitchly/endpoint-self-check";
import { DEFAULT_LIFETIME_SECONDS, resolveEndpoints } from "./pitchly/endpoints";
import { GraphQLClient } from "./pitchly/graphql-client";
import { HttpClient } from "./pitchly/http-client";
import { TokenClient } from "./pitchly/token-client";
import { stateClaim } from "./session/login-state";
import { checkSessionSetup } from "./session/session-self-check";
import { SessionTokens } from "./session/session-tokens";
import { isRefreshLock, type TokenStore } from "./stores/token-store";
import "./express-augment";

export interface PitchlyAuth {
  /** Serves login, callback and logout; mount it with `app.use(router)` after express-session. */
  router: Router;
  /** Middleware that guarantees `req.pitchly` holds a fresh token before the handler runs. */
  requirePitchlyToken(opts?: RequirePitchlyTokenOptions): RequestHandler;
  /** A client for one grant outside any request (background jobs); needs `tokenStore`. */
  clientFor(grantKey: string): PitchlyClient;
  /** The app itself inside one organization (platform `client_credentials`), its token cached per organization. */
  clientForOrganization(organizationId: string): OrganizationClient;
  /** Pitchly's self-signed organization JWT for the app's own organization (HS256, `iss` = clientId). */
  signOrganizationToken(options?: SignOrganizationTokenOptions): Promise<string>;
  tokenStore: TokenStore | undefined;
  /** For a health endpoint: reaches Pitchly's token endpoint (spending nothing) and reads the token store. Never rejects. */
  checkReadiness(): Promise<ReadinessReport>;
}

export function pitchlyAuth(input: PitchlyAuthOptions): PitchlyAuth {
  const options = parseOptions(input);
  const logger = createLogger(options.logger);
  const endpoints = resolveEndpoints(options);
  checkEndpoints(options.redirectUri, endpoints, logger);
  const http = new HttpClient(options.httpTimeoutMs, options.dispatcher);
  const proxy = options.dispatcher ? undefined : describeProxy();
  if (proxy) logger.info({ proxy }, "calls to Pitchly go through the egress proxy from HTTP(S)_PROXY (NO_PROXY honoured)");
  const hooks = new Hooks(
    { onLogout: options.onLogout, onRefresh: options.onRefresh, onRefreshFailed: options.onRefreshFailed },
    logger,
  );
  const tokenClient = new TokenClient(http, {
    tokenUrl: endpoints.tokenUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    defaultLifetimeSeconds: DEFAULT_LIFETIME_SECONDS[options.platform],
    scope: options.scope,
  });
  const store = options.tokenStore;
  // A store that can lock (SqliteTokenStore) coordinates its own processes unless told otherwise.
  const lock = options.lock ?? (isRefreshLock(store) ? store : undefined);
  const lockTtl = (lock as { ttlMs?: number } | undefined)?.ttlMs ?? options.httpTimeoutMs + 5000;
  const backoff = new Backoff(lock, logger);
  const graphql = new GraphQLClient(http, endpoints.graphqlUrl, options.isTokenInvalid);
  const clientDeps: GrantClientDeps = {
    refresher: new RefreshCoordinator(tokenClient, logger, lock, lockTtl, new RefreshEvents(hooks), backoff),
    backoff,
    graphql,
    leewayMs: options.refreshLeewaySeconds * 1000,
    subscriptions: new SubscriptionHub(endpoints.subscriptionsUrl, logger),
  };
  const profile = createLoginProfile(graphql, resolveProfile(options.profile, options.platform));
  const clientForOrganization = createOrganizationClients({
    platform: options.platform,
    tokenClient,
    graphql,
    subscriptions: clientDeps.subscriptions,
    backoff,
    leewayMs: clientDeps.leewayMs,
  });
  // The one place that knows whether tokens live in the session or in the store.
  const tokens = new SessionTokens(store, logger, (req, grantKey) => hooks.fire("onLogout", { req, grantKey }));
  tokens.onGrantEnded = (grantKey) => clientDeps.subscriptions.endGrant(grantKey);

  const redirect = new URL(options.redirectUri);
  const { routes } = options;
  const mountPath = redirect.pathname.slice(0, redirect.pathname.length - routes.callback.length);
  const platformOrigin = options.plugin?.platformOrigin;
  const firstRequest = (req: Request) => checkSessionSetup(req, logger, platformOrigin !== undefined);
  const check = (req: Request) => {
    if (tokens.watch(req)) firstRequest(req);
  };
  const mountCheck = createMountCheck(options.redirectUri, routes.callback, logger);

  const router = createRouter({
    routes,
    login: {
      authorizeUrl: endpoints.authorizeUrl,
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: options.scope,
      pkce: options.pkce,
      authorizationParams: options.authorizationParams,
      logger,
      check: (req) => {
        check(req);
        mountCheck(req);
      },
    },
    callback: {
      tokenClient,
      tokens,
      redirectUri: options.redirectUri,
      pkce: options.pkce,
      successRedirect: options.successRedirect,
      onLogin: options.onLogin,
      stateClaim: stateClaim(lock),
      logger,
      check,
      profile,
    },
    logout: { tokens, appOrigin: redirect.origin, logger, check },
    platformOrigin,
  });

  return {
    router,
    requirePitchlyToken: createRequirePitchlyToken({
      tokens,
      clientDeps,
      loginUrl: (returnTo) => `${mountPath}${routes.login}${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`,
      onFirstRequest: firstRequest,
      profileOf: profile.of,
      frameCheck: platformOrigin === undefined ? undefined : createFrameCheck(platformOrigin, logger),
    }),
    clientFor(grantKey: string): PitchlyClient {
      if (!store) {
        throw new PitchlyConfigError([
          "tokenStore: clientFor() needs a server-side tokenStore (e.g. new SqliteTokenStore({ filename })); session-held tokens are out of reach outside a request",
        ]);
      }
      if (typeof grantKey !== "string" || grantKey.length === 0)
        throw new TypeError("clientFor(grantKey): grantKey must be a non-empty string");
      return new GrantClient(clientDeps, grantKey, new StoreBackend(store, grantKey));
    },
    clientForOrganization,
    signOrganizationToken: (opts = {}) =>
      signOrganizationToken({ ...opts, clientId: options.clientId, clientSecret: options.clientSecret }),
    tokenStore: store,
    checkReadiness: createReadinessCheck(http, endpoints.tokenUrl, store),
  };
}
