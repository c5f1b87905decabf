// The slice of node-postgres the Postgres store uses, and a pool built from a connection string (pg loaded only then).
import type pg from "pg";
import { PitchlyConfigError } from "../errors";

/** What a query answers; `rowCount` is how many rows an INSERT/UPDATE/DELETE touched. */
export interface PgQueryResult {
  rows: unknown[];
  rowCount: number | null;
}

/**
 * Satisfied by node-postgres's `Pool` (and `Client`): pass the pool your app already has. Structural,
 * so this package's typings never need @types/pg.
 */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
}

export interface OwnedPool extends PgPoolLike {
  end(): Promise<void>;
}

export function isPoolLike(value: unknown): value is PgPoolLike {
  return typeof value === "object" && value !== null && typeof (value as Partial<PgPoolLike>).query === "function";
}

/**
 * A pool that fails fast while the database is away (so requests answer 503 instead of hanging) and
 * survives the server dropping idle connections (pg emits 'error' on the pool for those; with no
 * listener that event would crash the process; the next query reconnects or rejects on its own).
 */
export function createPool(connectionString: string, owner: string): OwnedPool {
  let Pool: typeof pg.Pool;
  try {
    // Loaded here, not at import time: apps that never build this store never load pg.
    Pool = (require("pg") as typeof pg).Pool;
  } catch (err) {
    const missing =
      (err as NodeJS.ErrnoException | null)?.code === "MODULE_NOT_FOUND" && String((err as Error).message).includes("'pg'");
    throw new PitchlyConfigError([
      missing
        ? `${owner}: pg is not installed: run npm install pg@8`
        : `${owner}: pg could not be loaded (${(err as Error).message})`,
    ]);
  }
  const pool = new Pool({ connectionString, connectionTimeoutMillis: 5000, query_timeout: 10_000 });
  pool.on("error", () => undefined);
  return pool;
}
