// The SQL behind PostgresTokenStore: one table, each operation one autocommit statement, times by the database's clock.

export type PostgresSql = Record<
  | "createSchema"
  | "select"
  | "upsert"
  | "update"
  | "insertIfAbsent"
  | "deleteGrant"
  | "clearTokens"
  | "lease"
  | "releaseRow"
  | "unlease",
  string
>;

// Any fixed key works: it only serialises this package's CREATE TABLE statements against each other.
const SCHEMA_LOCK = 7_021_998_435_681_009;

/** `parts` is [table] or [schema, table], already checked against the identifier pattern. */
export function postgresSql(parts: readonly string[]): PostgresSql {
  const t = parts.map((part) => `"${part}"`).join(".");
  const index = `"${parts[parts.length - 1]}_idle_idx"`;
  const free = "(lease_until IS NULL OR lease_until <= clock_timestamp())";
  const write = "tokens = excluded.tokens, refresh_token = excluded.refresh_token, updated_at = now()";
  return {
    // Sent as one simple query: Postgres runs it as one implicit transaction, so the advisory lock makes
    // processes racing on first use wait for each other (bare IF NOT EXISTS can still fail on that race).
    createSchema:
      `SELECT pg_advisory_xact_lock(${SCHEMA_LOCK}); ` +
      `CREATE TABLE IF NOT EXISTS ${t} (grant_key text PRIMARY KEY, tokens text, refresh_token text, ` +
      `lease_token text, lease_until timestamptz, updated_at timestamptz NOT NULL DEFAULT now()); ` +
      `CREATE INDEX IF NOT EXISTS ${index} ON ${t} (lease_until) WHERE tokens IS NULL;`,
    select: `SELECT tokens, refresh_token FROM ${t} WHERE grant_key = $1`,
    upsert: `INSERT INTO ${t} (grant_key, tokens, refresh_token) VALUES ($1, $2, $3) ON CONFLICT (grant_key) DO UPDATE SET ${write}`,
    update:
      `UPDATE ${t} SET tokens = $2, refresh_token = $3, updated_at = now() ` +
      `WHERE grant_key = $1 AND tokens IS NOT NULL AND refresh_token = $4`,
    // A row with only a lease is not a grant yet, so "must not exist" lets us fill it in.
    insertIfAbsent:
      `INSERT INTO ${t} (grant_key, tokens, refresh_token) VALUES ($1, $2, $3) ` +
      `ON CONFLICT (grant_key) DO UPDATE SET ${write} WHERE ${t}.tokens IS NULL`,
    // The grant's row, and any tokens-less row nobody holds (a lease left by a crashed process).
    deleteGrant: `DELETE FROM ${t} WHERE ${free} AND (grant_key = $1 OR tokens IS NULL) RETURNING grant_key`,
    clearTokens: `UPDATE ${t} SET tokens = NULL, refresh_token = NULL, updated_at = now() WHERE grant_key = $1`,
    lease:
      `INSERT INTO ${t} (grant_key, lease_token, lease_until) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond') ` +
      `ON CONFLICT (grant_key) DO UPDATE SET lease_token = excluded.lease_token, lease_until = excluded.lease_until ` +
      `WHERE ${t}.lease_until IS NULL OR ${t}.lease_until <= clock_timestamp()`,
    releaseRow: `DELETE FROM ${t} WHERE grant_key = $1 AND lease_token = $2 AND tokens IS NULL`,
    unlease: `UPDATE ${t} SET lease_token = NULL, lease_until = NULL WHERE grant_key = $1 AND lease_token = $2`,
  };
}
