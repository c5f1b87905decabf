// The public option types of pitchlyAuth(), written out with their documentation (the zod schema is checked against them).
import type { Logger } from "pino";
import type { Request } from "express";
import type { PitchlyProfile, ProfileQuery } from "../grant/profile";
import type { GraphQLAnswer } from "../pitchly/graphql-client";
import type { RefreshLock, TokenStore } from "../stores/token-store";
import type { ProductionOptions } from "./production";

export type { GraphQLAnswer };

/** What `onLogin` receives; link `grantKey` to your own user to use `clientFor()` later. */
export interface OnLoginContext {
  req: Request;
  grantKey: string;
  /** Who signed in (the `profile` option); undefined when the profile is off. */
  profile: PitchlyProfile | undefined;
}

/** Paths of the three routes, relative to where the router is mounted. Plain paths only, all different. */
export interface PitchlyRoutes {
  /** @defaultValue `"/auth/pitchly/login"` */
  login?: string | undefined;
  /** Must be the end of `redirectUri`'s path. @defaultValue `"/auth/pitchly/callback"` */
  callback?: string | undefined;
  /** @defaultValue `"/auth/pitchly/logout"` */
  logout?: string | undefined;
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
export interface PitchlyAuthOptions extends ProductionOptions {
  /** Your Pitchly App ID. */
  clientId: string;
  /** Your App secret; only ever sent server-to-server. */
  clientSecret: string;
  /** Absolute http(s) URL registered with Pitchly; its path ends with `routes.callback`. No `#fragment`, no `//` path. */
  redirectUri: string;
  /** Which Pitchly: `"v2"` (v2.pitchly.net) or `"platform"` (platform.pitchly.com). @defaultValue `"v2"` */
  platform?: "v2" | "platform" | undefined;
  /** Origin of Pitchly (the local Pitchly's `url` in tests). @defaultValue per `platform` */
  baseUrl?: string | undefined;
  /** @defaultValue `{baseUrl}/oauth/authorize` */
  authorizeUrl?: string | undefined;
  /** @defaultValue `{baseUrl}/oauth/token` (v2) or `{baseUrl}/api/oauth/token` (platform) */
  tokenUrl?: string | undefined;
  /** @defaultValue `{baseUrl}/graphql` (v2); `https://api.pitchly.com/graphql`, or `{baseUrl}/api/graphql` with your own `baseUrl` (platform) */
  graphqlUrl?: string | undefined;
  /**
   * The graphql-ws endpoint of `subscribe()` (a `ws:`/`wss:` URL).
   * @defaultValue `wss://{baseUrl host}/subscriptions` (platform) or `graphqlUrl` as ws(s) (v2, assumed)
   */
  subscriptionsUrl?: string | undefined;
  /** Sent at authorize (`""` is Pitchly's read-only token); refreshes ask for what Pitchly granted. @defaultValue none */
  scope?: string | undefined;
  /**
   * Extra authorize-URL parameters, e.g. `{ prompt: "consent" }`. The package's own (`state`, `redirect_uri`,
   * `response_type`, `client_id`, `code_challenge*`, `scope`) are refused.
   */
  authorizationParams?: Record<string, string> | undefined;
  /** S256 PKCE on every login. @defaultValue `true` on `"platform"`, `false` on `"v2"` */
  pkce?: boolean | undefined;
  routes?: PitchlyRoutes | undefined;
  /** Where to land after login without `returnTo` (a same-origin path). @defaultValue `"/"` */
  successRedirect?: string | undefined;
  /** Refresh this long before expiry (held below half the token's lifetime). @defaultValue `60` */
  refreshLeewaySeconds?: number | undefined;
  /** Hard limit for every call to Pitchly. @defaultValue `10000` */
  httpTimeoutMs?: number | undefined;
  /** Server-side token storage; without it tokens live in the session. @defaultValue none */
  tokenStore?: TokenStore | undefined;
  /** Cross-process refresh lock (needs `tokenStore`). @defaultValue the store, if it can lock */
  lock?: RefreshLock | undefined;
  /** Your pino logger (we log through a redacted child). @defaultValue pino at `warn` on stderr (`PITCHLY_LOG_LEVEL`) */
  logger?: Logger | undefined;
  /** Called after a successful exchange; throw to refuse the sign-in. */
  onLogin?: ((ctx: OnLoginContext) => void | Promise<void>) | undefined;
  /** Recognises an invalid-token GraphQL answer. @defaultValue Pitchly's markers (`token-invalid`, `UNAUTHENTICATED`, HTTP 401) */
  isTokenInvalid?: ((answer: GraphQLAnswer) => boolean) | undefined;
  /**
   * Who signed in, fetched once at login and kept with the grant (`req.pitchly.profile`, `onLogin`'s `profile`).
   * `false` turns it off; `{ query, map }` is your own query and mapper.
   * @defaultValue Pitchly's identity query on `"platform"`; off on `"v2"`
   */
  profile?: ProfileQuery | false | undefined;
  /**
   * The app also runs as a Pitchly plugin, inside Pitchly's iframe: the auth routes allow `platformOrigin` as a
   * frame ancestor and the self-check names what else the frame needs (cookie `SameSite=None; Secure; Partitioned`).
   */
  plugin?:
    { /** A bare origin. @defaultValue `"https://platform.pitchly.com"` */ platformOrigin?: string | undefined } | undefined;
}
