// clientForOrganization(): the app acting inside one organization with the platform's client_credentials token.
import { inspect } from "node:util";
import { PitchlyAuthError, PitchlyConfigError } from "../errors";
import type { Generation } from "../pitchly/endpoints";
import type { GraphQLClient, GraphQLVariables } from "../pitchly/graphql-client";
import type { TokenClient } from "../pitchly/token-client";
import type { TokenSet } from "../pitchly/token-set";
import { organizationScope, type Backoff } from "./backoff";
import { isFresh } from "./freshness";
import type { PitchlySubscription, SubscriptionHub } from "./subscriptions";

/** What `clientForOrganization(organizationId)` returns: GraphQL with the app's own permissions in that organization. */
export interface OrganizationClient {
  readonly organizationId: string;
  /** Runs a query as the app; on a token-invalid answer fetches a new app token and retries once. */
  graphql<T = unknown>(query: string, variables?: GraphQLVariables): Promise<T>;
  /** The cached app token, or a new one when it is about to expire. */
  getAccessToken(): Promise<string>;
  /** A subscription as the app; a socket closed for a bad token gets a fresh app token and resubscribes. */
  subscribe<T = unknown>(query: string, variables?: GraphQLVariables): PitchlySubscription<T>;
}

/** App tokens per organization: cached until they near expiry, one token call per organization at a time. */
class OrganizationTokens {
  readonly #cached = new Map<string, TokenSet>();
  readonly #inflight = new Map<string, Promise<TokenSet>>();

  constructor(
    private readonly tokenClient: TokenClient,
    private readonly leewayMs: number,
    private readonly backoff: Backoff,
  ) {}

  /** A usable token; `rejected` is one Pitchly just called invalid, never handed out again. */
  async get(organizationId: string, rejected?: string): Promise<string> {
    const cached = this.#cached.get(organizationId);
    if (cached && cached.accessToken !== rejected && isFresh(cached, this.leewayMs)) return cached.accessToken;
    return (await this.#fetch(organizationId)).accessToken;
  }

  #fetch(organizationId: string): Promise<TokenSet> {
    const running = this.#inflight.get(organizationId);
    if (running) return running;
    // A failure (outage included) caches nothing: the next call asks again, and the cached token stays until it expires.
    // Pitchly's Retry-After holds this organization back (and only it), as it holds back a user's grant.
    const started = this.backoff
      .guard(organizationScope(organizationId), () => this.tokenClient.organizationToken(organizationId))
      .then((tokens) => {
        this.#cached.set(organizationId, tokens);
        return tokens;
      })
      .finally(() => this.#inflight.delete(organizationId));
    this.#inflight.set(organizationId, started);
    return started;
  }
}

class OrgClient implements OrganizationClient {
  readonly #tokens: OrganizationTokens;
  readonly #graphql: GraphQLClient;
  readonly #subscriptions: SubscriptionHub;

  constructor(
    tokens: OrganizationTokens,
    graphql: GraphQLClient,
    subscriptions: SubscriptionHub,
    readonly organizationId: string,
  ) {
    this.#tokens = tokens;
    this.#graphql = graphql;
    this.#subscriptions = subscriptions;
  }

  subscribe<T = unknown>(query: string, variables?: GraphQLVariables): PitchlySubscription<T> {
    const source = {
      getAccessToken: () => this.getAccessToken(),
      // The token the socket was refused with is never handed out again: the next get() fetches a new one.
      refresh: async () => void (await this.#tokens.get(this.organizationId, await this.getAccessToken())),
    };
    // Keyed apart from every user grant, so no user's logout ends the app's own subscriptions.
    return this.#subscriptions.subscribe<T>(`organization:${this.organizationId}`, source, query, variables);
  }

  getAccessToken(): Promise<string> {
    return this.#tokens.get(this.organizationId);
  }

  async graphql<T = unknown>(query: string, variables?: GraphQLVariables): Promise<T> {
    const token = await this.getAccessToken();
    const first = await this.#graphql.post<T>(token, query, variables);
    if (first.ok) return first.data;
    const second = await this.#graphql.post<T>(await this.#tokens.get(this.organizationId, token), query, variables);
    if (second.ok) return second.data;
    throw new PitchlyAuthError("token_exchange_failed", "Pitchly rejected a freshly issued organization token", { status: 502 });
  }

  toJSON(): { organizationId: string } {
    return { organizationId: this.organizationId };
  }

  [inspect.custom](): string {
    return `PitchlyOrganizationClient ${JSON.stringify(this.toJSON())}`;
  }
}

export interface OrganizationClientDeps {
  platform: Generation;
  tokenClient: TokenClient;
  graphql: GraphQLClient;
  subscriptions: SubscriptionHub;
  backoff: Backoff;
  leewayMs: number;
}

/** One token cache per pitchlyAuth(): every client of one organization shares its token and its single flight. */
export function createOrganizationClients(deps: OrganizationClientDeps): (organizationId: string) => OrganizationClient {
  const tokens = new OrganizationTokens(deps.tokenClient, deps.leewayMs, deps.backoff);
  return (organizationId) => {
    if (deps.platform !== "platform") {
      throw new PitchlyConfigError([
        'platform: clientForOrganization() uses the platform\'s client_credentials grant; set platform: "platform" (v2 apps act as themselves with their secretKey argument)',
      ]);
    }
    if (typeof organizationId !== "string" || !/^\S{1,256}$/.test(organizationId)) {
      throw new TypeError("clientForOrganization(organizationId): organizationId must be a non-empty string without spaces");
    }
    return new OrgClient(tokens, deps.graphql, deps.subscriptions, organizationId);
  };
}
