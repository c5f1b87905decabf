// Token store and refresh lock in one PostgreSQL table (node-postgres): shared by every process on the database.
import { randomBytes } from "node:crypto";
import { PitchlyConfigError } from "../errors";
import type { TokenSet } from "../pitchly/token-set";
import { createPool, isPoolLike, type OwnedPool, type PgPoolLike } from "./postgres-pool";
import { postgresSql, type PostgresSql } from "./postgres-sql";
import { encodeTokenSet, tokensOfRow, type TokenRow } from "./token-codec";
import type { LockHandle, RefreshLock, TokenStore } from "./token-store";

const NAME = "PostgresTokenStore";
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresTokenStoreOptions {
  /** Your app's node-postgres `Pool` (give it `connectionTimeoutMillis` and `query_timeout`, and an 'error' listener). */
  pool?: PgPoolLike;
  /** Or a connection string: the store builds (and `close()` ends) its own pool. */
  connectionString?: string;
  /** Default `pitchly_tokens`; `schema.table` is fine. Created on first use if missing. */
  table?: string;
  /** How long a refresh lease lasts if its holder dies; the core defaults it to `httpTimeoutMs` + 5 s. */
  ttlMs?: number;
}

/**
 * One row per key: a grant's tokens, a refresh lease, or both (as in SqliteTokenStore). The lock is a
 * lease row, not an advisory lock: an advisory lock lives on one connection, so every refresh in
 * flight would pin a pool connection (20 grants refreshing at once would starve a pool of 10 while
 * they wait for a connection to write their result), it does not survive PgBouncer's transaction
 * pooling, and it cannot expire while its holder is alive but stuck. A lease is one autocommit
 * statement on any connection, expires by the database's clock (no skew between app servers), and
 * measured as fast: see docs/stores-postgres-encryption.md.
 */
export class PostgresTokenStore implements TokenStore, RefreshLock {
  /** The configured lease, if any, so the core can read it. */
  readonly ttlMs?: number;
  private readonly pool: PgPoolLike;
  private readonly owned: OwnedPool | undefined;
  private readonly sql: PostgresSql;
  private schema: Promise<void> | undefined;

  constructor(options: PostgresTokenStoreOptions) {
    const { pool, connectionString, table = "pitchly_tokens", ttlMs } = options ?? {};
    const issues: string[] = [];
    if (pool === undefined && connectionString === undefined)
      issues.push(`${NAME}: pass \`pool\` (your node-postgres Pool) or \`connectionString\``);
    if (pool !== undefined && connectionString !== undefined)
      issues.push(`${NAME}: pass either \`pool\` or \`connectionString\`, not both`);
    if (pool !== undefined && !isPoolLike(pool)) issues.push(`${NAME}: \`pool\` must be a node-postgres Pool (no query method)`);
    if (connectionString !== undefined && (typeof connectionString !== "string" || connectionString.trim() === "")) {
      issues.push(`${NAME}: \`connectionString\` must be a non-empty string`);
    }
    const parts = typeof table === "string" ? table.split(".") : [];
    if (parts.length < 1 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
      issues.push(`${NAME}: \`table\` must be a table name or schema.table, each matching ${IDENTIFIER.source}`);
    }
    if (ttlMs !== undefined && !(typeof ttlMs === "number" && Number.isFinite(ttlMs) && ttlMs > 0)) {
      issues.push(`${NAME}: \`ttlMs\` must be a positive number of milliseconds`);
    }
    if (issues.length > 0) throw new PitchlyConfigError(issues);
    if (ttlMs !== undefined) this.ttlMs = ttlMs;
    this.owned = pool === undefined ? createPool(connectionString as string, NAME) : undefined;
    this.pool = pool ?? (this.owned as OwnedPool);
    this.sql = postgresSql(parts);
  }

  async get(grantKey: string): Promise<TokenSet | undefined> {
    return tokensOfRow((await this.query(this.sql.select, [grantKey])).rows[0] as TokenRow | undefined, NAME);
  }

  async set(grantKey: string, tokens: TokenSet): Promise<void> {
    await this.query(this.sql.upsert, [grantKey, encodeTokenSet(tokens, NAME), tokens.refreshToken ?? null]);
  }

  async compareAndSet(grantKey: string, expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const json = encodeTokenSet(next, NAME);
    const refreshToken = next.refreshToken ?? null;
    const result =
      expectedRefreshToken === undefined
        ? await this.query(this.sql.insertIfAbsent, [grantKey, json, refreshToken])
        : await this.query(this.sql.update, [grantKey, json, refreshToken, expectedRefreshToken]);
    return result.rowCount === 1;
  }

  async delete(grantKey: string): Promise<void> {
    const deleted = await this.query(this.sql.deleteGrant, [grantKey]);
    // Still leased (a refresh in flight elsewhere locks on this very key): only the tokens go.
    if (!deleted.rows.some((row) => (row as { grant_key: string }).grant_key === grantKey)) {
      await this.query(this.sql.clearTokens, [grantKey]);
    }
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle | undefined> {
    if (!(typeof ttlMs === "number" && Number.isFinite(ttlMs) && ttlMs > 0))
      throw new RangeError(`${NAME}: acquire needs a positive ttlMs`);
    const token = randomBytes(16).toString("base64url");
    const result = await this.query(this.sql.lease, [key, token, Math.ceil(ttlMs)]);
    return result.rowCount === 1 ? Object.freeze({ key, token }) : undefined;
  }

  async release(handle: LockHandle): Promise<void> {
    // A lease-only row (the core's own lock keys) goes in one statement; a lease on a grant row is cleared.
    const removed = await this.query(this.sql.releaseRow, [handle.key, handle.token]);
    if (removed.rowCount === 0) await this.query(this.sql.unlease, [handle.key, handle.token]);
  }

  /** Ends the pool if this store built it from `connectionString`; a `pool` you passed in stays yours. */
  async close(): Promise<void> {
    await this.owned?.end();
  }

  private async query(text: string, values: unknown[]) {
    await this.ensureSchema();
    return this.pool.query(text, values);
  }

  /** Once per store; a failure (database down at startup) is retried on the next call instead of sticking. */
  private ensureSchema(): Promise<void> {
    this.schema ??= this.pool.query(this.sql.createSchema).then(
      () => undefined,
      (err: unknown) => {
        this.schema = undefined;
        throw err;
      },
    );
    return this.schema;
  }
}
