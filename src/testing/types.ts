// Public option and result types of the local Pitchly server.

export interface MockClient {
  clientId: string;
  /** Absent = public client: it authenticates by client_id alone and must use PKCE for codes. */
  clientSecret?: string;
  /** Compared to the request's redirect_uri by exact string equality. */
  redirectUris: string[];
  /** Shown on the consent page; defaults to the clientId. */
  name?: string;
}

export interface MockUser {
  id: string;
  name: string;
  email: string;
  image?: string;
}

export interface Fault {
  /** Delay before the answer (the normal one, or the fault's own). */
  latencyMs?: number;
  /** Answer this status with `{"error":"server_error"}`. */
  status?: number;
  /** Answer 429 (or `status`) with `Retry-After: <seconds>`. */
  retryAfter?: number;
  /** Answer 200 with a non-JSON body (`<html>oops`, text/html). */
  malformed?: boolean;
  /** Answer 200 application/json with exactly this body. */
  body?: string;
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
  graphql?: Fault;
  /** Applies to GET /oauth/authorize. */
  authorize?: Fault;
}

export interface MockPitchlyOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  clients: MockClient[];
  /** Default: one user {id:'user-1', name:'Ada Lovelace', email:'ada@example.com'}. */
  users?: MockUser[];
  /** Default 7200 (Pitchly's 2 hours). */
  accessTokenTtlSeconds?: number;
  faults?: MockFaults;
}

export interface MockStats {
  authorize: number;
  decisions: number;
  token: { authorization_code: number; refresh_token: number; errors: number };
  graphql: number;
}

export interface MockTokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: "bearer";
}

export interface MockPitchly {
  /** e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  /** Live counters: the same object is mutated, never replaced. */
  stats: MockStats;
  resetStats(): void;
  /** Replaces all faults. */
  setFaults(faults: MockFaults): void;
  /** Every access token issued so far becomes expired (GraphQL answers token-invalid). */
  expireAccessTokens(): void;
  /** Every refresh token issued so far becomes invalid (token endpoint answers invalid_grant). */
  revokeRefreshTokens(): void;
  /** Mints a grant directly, bypassing consent (for tests and benchmarks). */
  issueTokens(opts: { clientId: string; userId?: string }): MockTokenResponse;
  /** GETs the consent page for this authorize URL, presses Approve, resolves to the Location the browser would follow. */
  approve(authorizeUrl: string, opts?: { userId?: string }): Promise<string>;
  /** Same as approve, pressing Deny. */
  deny(authorizeUrl: string): Promise<string>;
  /** Closes the server and every socket, hanging ones included. */
  close(): Promise<void>;
}
