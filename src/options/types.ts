// The public option types of pitchlyAuth(), written out with their documentation (the zod schema is checked against them).
import type { Logger } from "pino";
import type { Request } from "express";
import type { GraphQLAnswer } from "../pitchly/graphql-client";
import type { RefreshLock, TokenStore } from "../stores/token-store";

export type { GraphQLAnswer };

/** What `onLogin` receives; link `grantKey` to your own user to use `clientFor()` later. */
export interface OnLoginContext {
  req: Request;
  grantKey: string;
}

/** Paths of the three routes, relative to where the router is mounted. Plain paths only, all different. */
export interface PitchlyRoutes {
  /** @defaultValue `"/auth/pitchly/login"` */
  login?: string;
  /** Must be the end of `redirectUri`'s path. @defaultValue `"/auth/pitchly/callback"` */
  callback?: string;
  /** @defaultValue `"/auth/pitchly/logout"` */
  logout?: string;
}

/**
 * Options of `pitchlyAuth()`, validated once when it is called (a `PitchlyConfigError` names every bad field).
 *
 * @example
 * ```ts
 * pitchlyAuth({
 *   clientId: process.env.PITCHLY_CLIENT_ID!,
 *   clientSecret: process.env.PITCHLY_CLIENT_SECRET!,
 *   redirectUri: "http://localhost:3000/auth/pitchly/callback",
 * });
 * ```
 */
export interface PitchlyAuthOptions {
  /** Your Pitchly App ID. */
  clientId: string;
  /** Your App secret; only ever sent server-to-server. */
  clientSecret: string;
  /** Absolute http(s) URL registered with Pitchly; its path ends with `routes.callback`. No `#fragment`, no `//` path. */
  redirectUri: string;
  /** Which Pitchly: `"v2"` (v2.pitchly.net) or `"platform"` (platform.pitchly.com). @defaultValue `"v2"` */
  platform?: "v2" | "platform";
  /** Origin of Pitchly (the local Pitchly's `url` in tests). @defaultValue per `platform` */
  baseUrl?: string;
  /** @defaultValue `{baseUrl}/oauth/authorize` */
  authorizeUrl?: string;
  /** @defaultValue `{baseUrl}/oauth/token` (v2) or `{baseUrl}/api/oauth/token` (platform) */
  tokenUrl?: string;
  /** @defaultValue `{baseUrl}/graphql` */
  graphqlUrl?: string;
  /** Sent at authorize (`""` is Pitchly's read-only token); refreshes ask for what Pitchly granted. @defaultValue none */
  scope?: string;
  /**
   * Extra authorize-URL parameters, e.g. `{ prompt: "consent" }`. The package's own (`state`, `redirect_uri`,
   * `response_type`, `client_id`, `code_challenge*`, `scope`) are refused.
   */
  authorizationParams?: Record<string, string>;
  /** S256 PKCE on every login. @defaultValue `false` */
  pkce?: boolean;
  routes?: PitchlyRoutes;
  /** Where to land after login without `returnTo` (a same-origin path). @defaultValue `"/"` */
  successRedirect?: string;
  /** Refresh this long before expiry (held below half the token's lifetime). @defaultValue `60` */
  refreshLeewaySeconds?: number;
  /** Hard limit for every call to Pitchly. @defaultValue `10000` */
  httpTimeoutMs?: number;
  /** Server-side token storage; without it tokens live in the session. @defaultValue none */
  tokenStore?: TokenStore;
  /** Cross-process refresh lock (needs `tokenStore`). @defaultValue the store, if it can lock */
  lock?: RefreshLock;
  /** Your pino logger (we log through a redacted child). @defaultValue pino at `warn` on stderr (`PITCHLY_LOG_LEVEL`) */
  logger?: Logger;
  /** Called after a successful exchange; throw to refuse the sign-in. */
  onLogin?: (ctx: OnLoginContext) => void | Promise<void>;
  /** Recognises an invalid-token GraphQL answer. @defaultValue Pitchly's markers (`token-invalid`, `UNAUTHENTICATED`, HTTP 401) */
  isTokenInvalid?: (answer: GraphQLAnswer) => boolean;
}
