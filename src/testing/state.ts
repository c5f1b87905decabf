// In-memory registry of the local Pitchly: clients, users, pending consents, codes, tokens and counters.
import { randomBytes } from "node:crypto";
import type { FaultBox } from "./faults";
import type { MockClient, MockStats, MockUser } from "./types";

export const TEN_MINUTES_MS = 10 * 60 * 1000;
const SWEEP_EVERY_WRITES = 1000;
// Consents and codes are short-lived; a benchmark hammering /oauth/authorize must not grow memory without bound.
const MAX_PENDING = 100_000;

function capOldest(map: Map<string, unknown>): void {
  if (map.size <= MAX_PENDING) return;
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}

/** Tokens descending from one consent (or one issueTokens call) share a grant, so they can be revoked together. */
export interface Grant {
  revoked: boolean;
}

export interface PendingAuthorization {
  client: MockClient;
  redirectUri: string;
  responseType: "code" | "token";
  state?: string;
  scope?: string;
  codeChallenge?: string;
  expiresAt: number;
}

export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope?: string;
  codeChallenge?: string;
  expiresAt: number;
  used: boolean;
  /** Set at redemption, so a replay of the code can revoke what it produced (RFC 6749 §4.1.2). */
  grant?: Grant;
}

export interface AccessTokenRecord {
  clientId: string;
  userId: string;
  scope?: string;
  expiresAt: number;
  grant: Grant;
}

export interface RefreshTokenRecord {
  clientId: string;
  userId: string;
  scope?: string;
  grant: Grant;
}

export interface IssuedPair {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

/** What every endpoint handler works with. */
export interface Context {
  registry: Registry;
  faults: FaultBox;
}

export const DEFAULT_USER: MockUser = { id: "user-1", name: "Ada Lovelace", email: "ada@example.com" };

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

export function emptyStats(): MockStats {
  return { authorize: 0, decisions: 0, token: { authorization_code: 0, refresh_token: 0, errors: 0 }, graphql: 0 };
}

export class Registry {
  readonly clients = new Map<string, MockClient>();
  readonly users = new Map<string, MockUser>();
  readonly defaultUser: MockUser;
  readonly pending = new Map<string, PendingAuthorization>();
  readonly codes = new Map<string, CodeRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly stats: MockStats = emptyStats();
  private writes = 0;

  constructor(clients: MockClient[], users: MockUser[], readonly ttlSeconds: number) {
    for (const client of clients) {
      if (this.clients.has(client.clientId)) throw new Error(`duplicate clientId ${client.clientId}`);
      if (client.redirectUris.length === 0) throw new Error(`client ${client.clientId} has no redirectUris`);
      this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
    }
    for (const user of users) this.users.set(user.id, { ...user });
    const first = users[0];
    if (!first) throw new Error("users must not be empty");
    this.defaultUser = first;
  }

  addPending(pending: Omit<PendingAuthorization, "expiresAt">): string {
    const tx = randomToken("", 18);
    this.pending.set(tx, { ...pending, expiresAt: Date.now() + TEN_MINUTES_MS });
    capOldest(this.pending);
    this.wrote();
    return tx;
  }

  /** A consent transaction is single-use whatever the decision. */
  takePending(tx: string): PendingAuthorization | undefined {
    const pending = this.pending.get(tx);
    if (!pending) return undefined;
    this.pending.delete(tx);
    return pending.expiresAt > Date.now() ? pending : undefined;
  }

  addCode(record: Omit<CodeRecord, "expiresAt" | "used">): string {
    const code = randomToken("pac_");
    this.codes.set(code, { ...record, expiresAt: Date.now() + TEN_MINUTES_MS, used: false });
    capOldest(this.codes);
    this.wrote();
    return code;
  }

  issueAccess(clientId: string, userId: string, scope: string | undefined, grant: Grant): string {
    const token = randomToken("pat_");
    const record: AccessTokenRecord = { clientId, userId, expiresAt: Date.now() + this.ttlSeconds * 1000, grant };
    if (scope !== undefined) record.scope = scope;
    this.accessTokens.set(token, record);
    this.wrote();
    return token;
  }

  issuePair(clientId: string, userId: string, scope: string | undefined, grant: Grant): IssuedPair {
    const refresh = randomToken("prt_");
    const refreshRecord: RefreshTokenRecord = { clientId, userId, grant };
    if (scope !== undefined) refreshRecord.scope = scope;
    this.refreshTokens.set(refresh, refreshRecord);
    const pair: IssuedPair = {
      access_token: this.issueAccess(clientId, userId, scope, grant),
      token_type: "bearer",
      expires_in: this.ttlSeconds,
      refresh_token: refresh,
    };
    if (scope !== undefined) pair.scope = scope;
    return pair;
  }

  /** A usable access token's record, or undefined for unknown, expired or revoked. */
  findAccess(token: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.grant.revoked || record.expiresAt <= Date.now()) return undefined;
    return record;
  }

  expireAccessTokens(): void {
    const past = Date.now() - 1000;
    for (const record of this.accessTokens.values()) record.expiresAt = past;
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  resetStats(): void {
    // Mutated in place: callers hold a reference to this object.
    const s = this.stats;
    s.authorize = 0;
    s.decisions = 0;
    s.graphql = 0;
    s.token.authorization_code = 0;
    s.token.refresh_token = 0;
    s.token.errors = 0;
  }

  private wrote(): void {
    // Amortised sweep keeps benchmark runs (many thousands of grants) from growing without bound.
    if (++this.writes % SWEEP_EVERY_WRITES !== 0) return;
    const now = Date.now();
    for (const [key, value] of this.pending) if (value.expiresAt <= now) this.pending.delete(key);
    for (const [key, value] of this.codes) if (value.expiresAt <= now) this.codes.delete(key);
    for (const [key, value] of this.accessTokens) {
      if (value.expiresAt <= now || value.grant.revoked) this.accessTokens.delete(key);
    }
  }
}
