// Builds, once per pitchlyAuth() call, everything the routes and the middleware share.
import type { Logger } from "pino";
import type { Request } from "express";
import { resolveEndpoints, type Endpoints } from "./endpoints";
import { SessionBackend, StoreBackend, type GrantBackend } from "./grant-backend";
import { GrantClient, type GrantClientDeps } from "./grant-client";
import { GraphQLClient } from "./graphql-client";
import { HttpClient } from "./http-client";
import { createLogger } from "./logger";
import type { ParsedOptions } from "./options";
import { RefreshCoordinator } from "./refresh-coordinator";
import { RotationRegistry } from "./rotation-registry";
import type { SessionWithPitchly } from "./session-access";
import { isRefreshLock, type TokenStore } from "./stores/token-store";
import { TokenClient } from "./token-client";
import type { TokenSet } from "./token-set";

export interface Core {
  options: ParsedOptions;
  logger: Logger;
  endpoints: Endpoints;
  tokenClient: TokenClient;
  clientDeps: GrantClientDeps;
  registry: RotationRegistry;
  store: TokenStore | undefined;
  /** Where the router is mounted, read off redirectUri ("" at the root). */
  mountPath: string;
  /** The app's own origin (from redirectUri), never from the Host header. */
  appOrigin: string;
  backendFor(session: SessionWithPitchly, grantKey: string): GrantBackend;
  clientFor(grantKey: string, backend: GrantBackend, tokens?: TokenSet): GrantClient;
  loginUrl(returnTo?: string): string;
}

export function createCore(options: ParsedOptions): Core {
  const logger = createLogger(options.logger);
  const endpoints = resolveEndpoints(options);
  const http = new HttpClient(options.httpTimeoutMs);
  const tokenClient = new TokenClient(http, {
    tokenUrl: endpoints.tokenUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.scope !== undefined && { scope: options.scope }),
  });
  const store = options.tokenStore;
  // A store that can lock (SqliteTokenStore) coordinates its own processes unless told otherwise.
  const lock = options.lock ?? (isRefreshLock(store) ? store : undefined);
  const lockTtl = (lock as { ttlMs?: number } | undefined)?.ttlMs ?? options.httpTimeoutMs + 5000;
  const clientDeps: GrantClientDeps = {
    refresher: new RefreshCoordinator(tokenClient, logger, lock, lockTtl),
    graphql: new GraphQLClient(http, endpoints.graphqlUrl, options.isTokenInvalid),
    leewayMs: options.refreshLeewaySeconds * 1000,
  };
  const registry = new RotationRegistry();
  const redirect = new URL(options.redirectUri);
  const mountPath = redirect.pathname.slice(0, redirect.pathname.length - options.routes.callback.length);

  return {
    options,
    logger,
    endpoints,
    tokenClient,
    clientDeps,
    registry,
    store,
    mountPath,
    appOrigin: redirect.origin,
    backendFor: (session, grantKey) =>
      store ? new StoreBackend(store, grantKey) : new SessionBackend(session, registry, grantKey),
    clientFor: (grantKey, backend, tokens) => new GrantClient(clientDeps, grantKey, backend, tokens),
    loginUrl: (returnTo) =>
      `${mountPath}${options.routes.login}${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`,
  };
}
