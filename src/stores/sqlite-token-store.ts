// Token store and refresh lock in one SQLite table (better-sqlite3): survives restarts, shared by processes on one machine.
import { randomBytes } from "node:crypto";
import { PitchlyConfigError } from "../errors";
import type { TokenSet } from "../pitchly/token-set";
import { openDatabase, type SqliteDatabaseLike, type StatementLike } from "./sqlite-database";
import { encodeTokenSet, tokensOfRow, type TokenRow } from "./token-codec";
import type { LockHandle, RefreshLock, TokenStore } from "./token-store";

const NAME = "SqliteTokenStore";
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SWEEP_EVERY_MS = 60_000;

export interface SqliteTokenStoreOptions {
  /** Path of the database file, created if missing (opened in WAL mode with a 5 s busy timeout). */
  filename?: string;
  /** An already open better-sqlite3 database instead of `filename`; its settings are left as they are. */
  db?: SqliteDatabaseLike;
  /** Default `pitchly_tokens`. */
  table?: string;
}

/**
 * One row per key. A row holds a grant's tokens, a refresh lease, or both: when the core locks on the
 * grant key itself, the lease lives on the grant row; any other lock key gets a tokens-less row.
 */
export class SqliteTokenStore implements TokenStore, RefreshLock {
  private readonly db: SqliteDatabaseLike;
  private readonly ownsDb: boolean;
  private readonly sql: Statements;
  private lastSweep = 0;

  constructor(options: SqliteTokenStoreOptions) {
    const { filename, db, table = "pitchly_tokens" } = options ?? {};
    const issues: string[] = [];
    if (db === undefined && filename === undefined)
      issues.push(`${NAME}: pass \`filename\` (a database file path) or \`db\` (an open better-sqlite3 Database)`);
    if (db !== undefined && filename !== undefined) issues.push(`${NAME}: pass either \`filename\` or \`db\`, not both`);
    if (filename !== undefined && (typeof filename !== "string" || filename.trim() === ""))
      issues.push(`${NAME}: \`filename\` must be a non-empty string`);
    if (db !== undefined && (typeof db !== "object" || db === null || typeof db.prepare !== "function"))
      issues.push(`${NAME}: \`db\` must be an open better-sqlite3 Database`);
    if (typeof table !== "string" || !TABLE_NAME.test(table)) issues.push(`${NAME}: \`table\` must match ${TABLE_NAME.source}`);
    if (issues.length > 0) throw new PitchlyConfigError(issues);

    this.ownsDb = db === undefined;
    this.db = db ?? openDatabase(filename as string, NAME);
    try {
      this.sql = prepare(this.db, table);
    } catch (err) {
      if (this.ownsDb) this.db.close();
      // Most likely an app table of the same name with other columns.
      throw new PitchlyConfigError([`${NAME}: cannot use \`table\` ${JSON.stringify(table)}: ${(err as Error).message}`]);
    }
  }

  async get(grantKey: string): Promise<TokenSet | undefined> {
    return tokensOfRow(this.sql.select.get(grantKey) as TokenRow | undefined, NAME);
  }

  async set(grantKey: string, tokens: TokenSet): Promise<void> {
    const json = encodeTokenSet(tokens, NAME);
    this.sql.upsert.run(grantKey, json, tokens.refreshToken ?? null, Date.now());
  }

  async compareAndSet(grantKey: string, expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const json = encodeTokenSet(next, NAME);
    const refreshToken = next.refreshToken ?? null;
    const result =
      expectedRefreshToken === undefined
        ? this.sql.insertIfAbsent.run(grantKey, json, refreshToken, Date.now())
        : this.sql.update.run(json, refreshToken, Date.now(), grantKey, expectedRefreshToken);
    return result.changes === 1;
  }

  async delete(grantKey: string): Promise<void> {
    const now = Date.now();
    // A refresh in flight elsewhere keeps its lease row; only the tokens go.
    this.db
      .transaction(() => {
        if (this.sql.deleteUnleased.run(grantKey, now).changes === 0) this.sql.clearTokens.run(now, grantKey);
      })
      .immediate();
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle | undefined> {
    if (!(typeof ttlMs === "number" && Number.isFinite(ttlMs) && ttlMs > 0))
      throw new RangeError(`${NAME}: acquire needs a positive ttlMs`);
    const token = randomBytes(16).toString("base64url");
    // IMMEDIATE takes the write lock up front, so two processes cannot both see the lease as free.
    const won = this.db
      .transaction(() => {
        const now = Date.now();
        // Lease-only rows whose lease ran out (a login state's single-use claim, a crashed holder) hold nothing.
        if (now - this.lastSweep > SWEEP_EVERY_MS) {
          this.lastSweep = now;
          this.sql.sweep.run(now);
        }
        return this.sql.lease.run(key, token, now + Math.ceil(ttlMs), now, now).changes === 1;
      })
      .immediate();
    return won ? Object.freeze({ key, token }) : undefined;
  }

  async release(handle: LockHandle): Promise<void> {
    this.db
      .transaction(() => {
        if (this.sql.unlease.run(handle.key, handle.token).changes === 1) this.sql.prune.run(handle.key);
      })
      .immediate();
  }

  /** Closes the database if this store opened it; a `db` you passed in stays yours to close. */
  close(): void {
    if (this.ownsDb) this.db.close();
  }
}

type Statements = Record<
  "select" | "upsert" | "update" | "insertIfAbsent" | "deleteUnleased" | "clearTokens" | "lease" | "unlease" | "prune" | "sweep",
  StatementLike
>;

function prepare(db: SqliteDatabaseLike, table: string): Statements {
  const t = `"${table}"`;
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${t} (grant_key TEXT PRIMARY KEY, tokens TEXT, refresh_token TEXT, ` +
      `lease_token TEXT, lease_until INTEGER, updated_at INTEGER)`,
  );
  const cols = "(grant_key, tokens, refresh_token, updated_at) VALUES (?, ?, ?, ?)";
  const write = "tokens = excluded.tokens, refresh_token = excluded.refresh_token, updated_at = excluded.updated_at";
  return {
    select: db.prepare(`SELECT tokens, refresh_token FROM ${t} WHERE grant_key = ?`),
    upsert: db.prepare(`INSERT INTO ${t} ${cols} ON CONFLICT(grant_key) DO UPDATE SET ${write}`),
    update: db.prepare(
      `UPDATE ${t} SET tokens = ?, refresh_token = ?, updated_at = ? WHERE grant_key = ? AND tokens IS NOT NULL AND refresh_token = ?`,
    ),
    // A row with only a lease is not a grant yet, so "must not exist" lets us fill it in.
    insertIfAbsent: db.prepare(
      `INSERT INTO ${t} ${cols} ON CONFLICT(grant_key) DO UPDATE SET ${write} WHERE ${t}.tokens IS NULL`,
    ),
    deleteUnleased: db.prepare(`DELETE FROM ${t} WHERE grant_key = ? AND (lease_until IS NULL OR lease_until <= ?)`),
    clearTokens: db.prepare(`UPDATE ${t} SET tokens = NULL, refresh_token = NULL, updated_at = ? WHERE grant_key = ?`),
    lease: db.prepare(
      `INSERT INTO ${t} (grant_key, lease_token, lease_until, updated_at) VALUES (?, ?, ?, ?) ` +
        `ON CONFLICT(grant_key) DO UPDATE SET lease_token = excluded.lease_token, lease_until = excluded.lease_until ` +
        `WHERE ${t}.lease_token IS NULL OR ${t}.lease_until IS NULL OR ${t}.lease_until <= ?`,
    ),
    unlease: db.prepare(`UPDATE ${t} SET lease_token = NULL, lease_until = NULL WHERE grant_key = ? AND lease_token = ?`),
    prune: db.prepare(`DELETE FROM ${t} WHERE grant_key = ? AND tokens IS NULL AND lease_token IS NULL`),
    sweep: db.prepare(`DELETE FROM ${t} WHERE tokens IS NULL AND lease_until IS NOT NULL AND lease_until <= ?`),
  };
}
