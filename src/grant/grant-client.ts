// The object behind req.pitchly and clientFor(): one grant's token, kept fresh, and GraphQL as that user.
import { inspect } from "node:util";
import { PitchlyAuthError } from "../errors";
import type { GraphQLClient, GraphQLVariables } from "../pitchly/graphql-client";
import type { TokenSet } from "../pitchly/token-set";
import { isFresh } from "./freshness";
import type { GrantBackend } from "./grant-backend";
import type { PitchlyProfile } from "./profile";
import type { RefreshCoordinator } from "./refresh-coordinator";
import { grantScope, type Backoff } from "./backoff";
import type { PitchlySubscription, SubscriptionHub } from "./subscriptions";

export interface GrantClientDeps {
  refresher: RefreshCoordinator;
  graphql: GraphQLClient;
  leewayMs: number;
  /** Pitchly's Retry-After, honoured for this grant's GraphQL calls too. */
  backoff?: Backoff;
  subscriptions: SubscriptionHub;
}

/** Calls Pitchly as one user; what `clientFor(grantKey)` returns. */
export interface PitchlyClient {
  readonly grantKey: string;
  /** Runs a query as the user; refreshes and retries once if Pitchly says the token is invalid. */
  graphql<T = unknown>(query: string, variables?: GraphQLVariables): Promise<T>;
  /** Forces a rotation now (or adopts one another request just made); durable when it resolves. */
  refresh(): Promise<void>;
  /** A token valid for at least `refreshLeewaySeconds`, refreshing first when needed. */
  getAccessToken(): Promise<string>;
  /** Live results of a GraphQL subscription, kept alive across token rotations; ends on logout. */
  subscribe<T = unknown>(query: string, variables?: GraphQLVariables): PitchlySubscription<T>;
}

/** `req.pitchly`: the same client, with the token already checked by `requirePitchlyToken()`. */
export interface PitchlyRequestContext extends PitchlyClient {
  readonly accessToken: string;
  /** ms epoch */
  readonly expiresAt: number;
  /** Who signed in, read once at login (the `profile` option); undefined when the profile is off. */
  readonly profile: PitchlyProfile | undefined;
}

/**
 * Everything secret sits in #private fields: a spread, Object.assign, structuredClone or a logger
 * sees only `grantKey` (the getters live on the prototype, which no copy takes along).
 */
export class GrantClient implements PitchlyRequestContext {
  readonly #deps: GrantClientDeps;
  readonly #backend: GrantBackend;
  #tokens: TokenSet | undefined;

  constructor(
    deps: GrantClientDeps,
    readonly grantKey: string,
    backend: GrantBackend,
    tokens?: TokenSet,
    readonly profile: PitchlyProfile | undefined = undefined,
  ) {
    this.#deps = deps;
    this.#backend = backend;
    this.#tokens = tokens;
  }

  get accessToken(): string {
    return this.#loaded().accessToken;
  }

  get expiresAt(): number {
    return this.#loaded().expiresAt;
  }

  async getAccessToken(): Promise<string> {
    const tokens = await this.#load();
    if (!isFresh(tokens, this.#deps.leewayMs)) await this.refresh();
    return this.#loaded().accessToken;
  }

  async refresh(): Promise<void> {
    const seen = (await this.#load()).accessToken;
    this.#tokens = await this.#deps.refresher.refresh(this.grantKey, this.#backend, seen);
    // The old refresh token is dead now: the new one is saved before the caller goes on.
    await this.#backend.persist();
  }

  async graphql<T = unknown>(query: string, variables?: GraphQLVariables): Promise<T> {
    const first = await this.#post<T>(await this.getAccessToken(), query, variables);
    if (first.ok) return first.data;
    await this.refresh();
    const second = await this.#post<T>(this.#loaded().accessToken, query, variables);
    if (second.ok) return second.data;
    throw new PitchlyAuthError("login_required", "Pitchly rejected a freshly refreshed token");
  }

  subscribe<T = unknown>(query: string, variables?: GraphQLVariables): PitchlySubscription<T> {
    return this.#deps.subscriptions.subscribe<T>(this.grantKey, this, query, variables);
  }

  /** Keeps tokens out of res.json(req.pitchly) and of loggers that serialise objects. */
  toJSON(): { grantKey: string; expiresAt?: number } {
    return { grantKey: this.grantKey, ...(this.#tokens && { expiresAt: this.#tokens.expiresAt }) };
  }

  [inspect.custom](): string {
    return `PitchlyClient ${JSON.stringify(this.toJSON())}`;
  }

  #post<T>(accessToken: string, query: string, variables: GraphQLVariables | undefined) {
    const { backoff, graphql } = this.#deps;
    const call = () => graphql.post<T>(accessToken, query, variables);
    return backoff ? backoff.guard(grantScope(this.grantKey), call) : call();
  }

  async #load(): Promise<TokenSet> {
    if (!this.#tokens) {
      const stored = await this.#backend.read();
      if (!stored) throw new PitchlyAuthError("login_required", "no Pitchly tokens for this grant");
      this.#tokens = stored;
    }
    return this.#tokens;
  }

  #loaded(): TokenSet {
    if (!this.#tokens) throw new Error("express-pitchly: tokens not loaded yet; await getAccessToken() first");
    return this.#tokens;
  }
}
