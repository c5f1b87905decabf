// Public option and result types of the local Pitchly server.
import type { RecordedRequest } from "./request-log";

/** Which Pitchly a client, a token or an endpoint belongs to (PITCHLY.md, "Two generations"). */
export type Generation = "v2" | "platform";

export interface MockClient {
  clientId: string;
  /** Absent = public client: it authenticates by client_id alone and must use PKCE for codes. */
  clientSecret?: string;
  /** Compared to the request's redirect_uri by exact string equality. */
  redirectUris: string[];
  /** Shown on the consent page; defaults to the clientId. */
  name?: string;
  /**
   * "platform": the authorize endpoint itself refuses a request without an S256 challenge. Unset: the app may use
   * either generation, and the generation is decided by the token endpoint path the code is redeemed at.
   */
  generation?: Generation;
  /** What the installing organization granted the app; default: every permission of the generation. */
  permissions?: string[];
  /** The organization that owns the app (v2 `secretKey`, the platform's self-signed org JWT); default: the first one. */
  organizationId?: string;
}

export interface MockOrganization {
  /** Platform style: `org` + 17 characters. */
  id: string;
  name: string;
}

export interface MockUser {
  id: string;
  name: string;
  email: string;
  image?: string;
  /** The platform's person id (`psn` + 17); default: derived from `id`. */
  personId?: string;
  /** Default: the first organization (each Pitchly user belongs to exactly one). */
  organizationId?: string;
  /** Platform `viewer.tier`; default "pro". */
  tier?: string;
}

/** An app Pitchly loads in an iframe beside the workspace (served by the workspace page). */
export interface MockPlugin {
  /** One of `clients`. */
  clientId: string;
  /** The plugin's public URL, framed as it is (absolute http(s)). */
  url: string;
  /** Shown as the frame's title; defaults to the clientId. */
  name?: string;
}

export interface Fault {
  /** Delay before the answer (the normal one, or the fault's own). */
  latencyMs?: number;
  /** Answer this status: with `body` if given, else `{"error":"server_error"}`. */
  status?: number;
  /** Answer 429 (or `status`) with `Retry-After: <seconds>`. */
  retryAfter?: number;
  /** Answer 200 with a non-JSON body (`<html>oops`, text/html). */
  malformed?: boolean;
  /** Answer exactly these bytes (application/json unless `headers` says otherwise), with `status` or 200. */
  body?: string | Uint8Array;
  /** Extra or overriding response headers for a faulted answer (content-type, location, content-encoding…). */
  headers?: Record<string, string>;
  /** Answer 200 with a chunked JSON-typed body of this many bytes, written with backpressure. */
  stream?: number;
  /** Send headers and `{` at once, then one byte every `trickleMs` forever. */
  trickleMs?: number;
  /** Do the real work (a refresh rotates, a code is spent), then destroy the socket before the answer. */
  loseResponse?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Accept and never answer (until close()). */
  hang?: boolean;
  /** Apply to the next N calls only, then clear; default: until changed. */
  times?: number;
}

export interface MockFaults {
  /** Applies to both /oauth/token and /api/oauth/token. */
  token?: Fault;
  /** Applies to both GraphQL endpoints (v2 /graphql and the platform's /api/graphql). */
  graphql?: Fault;
  /** Applies to GET /oauth/authorize. */
  authorize?: Fault;
  /** Applies to websocket upgrades (both generations): `drop`, `status` (refuses the upgrade) and `latencyMs` only. */
  subscriptions?: Fault;
}

export interface MockPitchlyOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  clients: MockClient[];
  /** Default: one user {id:'user-1', name:'Ada Lovelace', email:'ada@example.com'}. */
  users?: MockUser[];
  /** Default: one organization, "Pitchly Demo Co". */
  organizations?: MockOrganization[];
  /** Overrides the per-generation default (v2: 7200, Pitchly's 2 hours; platform: 3600). */
  accessTokenTtlSeconds?: number;
  faults?: MockFaults;
  /** Each gets a workspace page framing its url: see `workspaceUrl()`. */
  plugins?: MockPlugin[];
}

export interface MockStats {
  authorize: number;
  decisions: number;
  token: { authorization_code: number; refresh_token: number; client_credentials: number; errors: number };
  graphql: number;
  /** Websocket subscriptions: sockets opened (total) and open now, subscribe messages, and 4403 closes. */
  subscriptions: { connections: number; open: number; subscribe: number; forbidden: number };
}

export interface MockTokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: "bearer";
  scope: string;
}

export interface MockPitchly {
  /** e.g. http://127.0.0.1:54321 (no trailing slash): v2's base URL, and the platform's OAuth origin. */
  url: string;
  /** v2's GraphQL endpoint: `{url}/graphql`. */
  graphqlUrl: string;
  /** The platform's GraphQL endpoint (api.pitchly.com/graphql in real life): `{url}/api/graphql`. */
  platformGraphqlUrl: string;
  /** The platform's token endpoint: `{url}/api/oauth/token`. */
  platformTokenUrl: string;
  /** Live counters: the same object is mutated, never replaced. */
  stats: MockStats;
  resetStats(): void;
  /** Every request received, oldest first, secrets replaced by `secretMarker(value)`; clear with `length = 0`. */
  requests: RecordedRequest[];
  /** Every code, access token and refresh token issued so far: what a leak check must never find. */
  issuedSecrets(): string[];
  /** Replaces all faults. */
  setFaults(faults: MockFaults): void;
  /**
   * Every access token issued so far becomes expired (GraphQL answers token-invalid / UNAUTHENTICATED), and every
   * subscription socket authenticated with one is closed with 4403 at once.
   */
  expireAccessTokens(): void;
  /** Websocket subscriptions, platform: `{url}/subscriptions`; v2: `{url}/graphql` (invented). */
  platformSubscriptionsUrl: string;
  v2SubscriptionsUrl: string;
  /**
   * Pushes a change to every live subscription on this v2 database or platform table, as a write through GraphQL
   * does: `kind` "database" feeds v2 `databaseUpdated`, the others `dataRowsChanged` / `recordsChanged`.
   */
  publish(event: { tableId: string; kind?: "insert" | "update" | "delete" | "database"; rowIds?: string[] }): {
    sequence: number;
  };
  /** The network fault: cuts every subscription socket without a close frame; resolves to how many were cut. */
  dropSubscriptionSockets(): number;
  /** Every refresh token issued so far becomes invalid (token endpoint answers invalid_grant). */
  revokeRefreshTokens(): void;
  /** Mints a grant directly, bypassing consent (for tests and benchmarks); generation defaults to the client's, else v2. */
  issueTokens(opts: { clientId: string; userId?: string; generation?: Generation; scope?: string }): MockTokenResponse;
  /** GETs the consent page for this authorize URL, presses Approve, resolves to the Location the browser would follow. */
  approve(authorizeUrl: string, opts?: { userId?: string }): Promise<string>;
  /** Same as approve, pressing Deny. */
  deny(authorizeUrl: string): Promise<string>;
  /**
   * URL of the workspace page (`/workspace/:workspaceId?plugin=…&user=…`) framing a registered plugin and
   * reporting `userId` (default: the first user) as Pitchly's `person`.
   */
  workspaceUrl(opts?: { clientId?: string; workspaceId?: string; userId?: string }): string;
  /** Closes the server and every socket, hanging ones included. */
  close(): Promise<void>;
}
