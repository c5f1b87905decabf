// In-memory registry of the local Pitchly: pending consents, codes, tokens per generation, counters.
import { randomBytes } from "node:crypto";
import type { Directory } from "./directory";
import type { FaultBox } from "./faults";
import { DEFAULT_TTL_SECONDS, newAccessToken, newCode, newRefreshToken } from "./ids";
import type { RequestLog } from "./request-log";
import type { DataStore } from "./fixtures";
import type { ChangeFeed } from "./change-feed";
import type { Generation, MockClient, MockStats } from "./types";

export const TEN_MINUTES_MS = 10 * 60 * 1000;
const SWEEP_EVERY_WRITES = 1000;
// Consents, codes and the leak-check list are bounded: a benchmark hammering the server must not grow memory forever.
const MAX_KEPT = 100_000;

function capOldest(collection: Map<string, unknown> | Set<string>): void {
  if (collection.size <= MAX_KEPT) return;
  const oldest = collection.keys().next();
  if (!oldest.done) collection.delete(oldest.value);
}

/** One consent (or issueTokens call, or app token): its tokens share it, so they can be revoked together. */
export interface Grant {
  generation: Generation;
  clientId: string;
  /** Absent for an app token (client_credentials): it acts as the app inside the organization. */
  userId?: string;
  organizationId: string;
  /** The grant's own permissions: a refresh without `scope` gets all of them back. */
  permissions: string[];
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
  grant: Grant;
  /** This token's permissions: the grant's, capped by the scope sent when it was minted. */
  permissions: string[];
  expiresAt: number;
}

export interface IssuedPair {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** What every endpoint handler works with. */
export interface Context {
  registry: Registry;
  directory: Directory;
  faults: FaultBox;
  log: RequestLog;
  data: DataStore;
  changes: ChangeFeed;
}

export function emptyStats(): MockStats {
  return {
    authorize: 0,
    decisions: 0,
    token: { authorization_code: 0, refresh_token: 0, client_credentials: 0, errors: 0 },
    graphql: 0,
    subscriptions: { connections: 0, open: 0, subscribe: 0, forbidden: 0 },
  };
}

export class Registry {
  readonly pending = new Map<string, PendingAuthorization>();
  readonly codes = new Map<string, CodeRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, Grant>();
  readonly stats: MockStats = emptyStats();
  /** Every secret handed out, for leak checks. */
  readonly issued = new Set<string>();
  private writes = 0;

  constructor(private readonly ttlOverride?: number) {}

  ttlSeconds(generation: Generation): number {
    return this.ttlOverride ?? DEFAULT_TTL_SECONDS[generation];
  }

  addPending(pending: Omit<PendingAuthorization, "expiresAt">): string {
    const tx = randomBytes(18).toString("base64url");
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
    const code = this.remember(newCode());
    this.codes.set(code, { ...record, expiresAt: Date.now() + TEN_MINUTES_MS, used: false });
    capOldest(this.codes);
    this.wrote();
    return code;
  }

  issueAccess(grant: Grant, permissions: string[]): { token: string; expiresIn: number } {
    const token = this.remember(newAccessToken(grant.generation));
    const expiresIn = this.ttlSeconds(grant.generation);
    this.accessTokens.set(token, { grant, permissions, expiresAt: Date.now() + expiresIn * 1000 });
    this.wrote();
    return { token, expiresIn };
  }

  issuePair(grant: Grant, permissions: string[]): IssuedPair {
    const refresh = this.remember(newRefreshToken());
    this.refreshTokens.set(refresh, grant);
    const access = this.issueAccess(grant, permissions);
    return {
      access_token: access.token,
      token_type: "bearer",
      expires_in: access.expiresIn,
      refresh_token: refresh,
      scope: permissions.join(" "),
    };
  }

  /** A usable access token of this generation, or undefined for unknown, expired, revoked or the other generation's. */
  findAccess(token: string, generation: Generation): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.grant.revoked || record.expiresAt <= Date.now() || record.grant.generation !== generation)
      return undefined;
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
    Object.assign(this.stats, { authorize: 0, decisions: 0, graphql: 0 });
    Object.assign(this.stats.token, emptyStats().token);
    // `open` is a gauge of live sockets, not a counter.
    Object.assign(this.stats.subscriptions, { ...emptyStats().subscriptions, open: this.stats.subscriptions.open });
  }

  private remember(secret: string): string {
    this.issued.add(secret);
    capOldest(this.issued);
    return secret;
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
