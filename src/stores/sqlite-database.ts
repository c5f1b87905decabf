// Opens a database file with better-sqlite3, loaded only on that call, and the slice of its API the store relies on.
import type BetterSqlite3 from "better-sqlite3";
import { PitchlyConfigError } from "../errors";

export interface StatementLike {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
}

/** The part of a better-sqlite3 `Database` we use; structural so our typings don't need @types/better-sqlite3. */
export interface SqliteDatabaseLike {
  prepare(source: string): StatementLike;
  exec(source: string): unknown;
  transaction<T>(fn: () => T): { immediate(): T };
  close(): unknown;
}

export function openDatabase(filename: string, owner: string): SqliteDatabaseLike {
  let Database: typeof BetterSqlite3;
  try {
    // Loaded here, not at import time: apps that never build this store never load the native driver.
    Database = require("better-sqlite3") as typeof BetterSqlite3;
  } catch (err) {
    const missing =
      (err as NodeJS.ErrnoException | null)?.code === "MODULE_NOT_FOUND" &&
      String((err as Error).message).includes("better-sqlite3'");
    throw new PitchlyConfigError([
      missing
        ? `${owner}: better-sqlite3 is not installed: run npm install better-sqlite3@12`
        : `${owner}: better-sqlite3 could not be loaded (${(err as Error).message}): try npm rebuild better-sqlite3`,
    ]);
  }
  let db: BetterSqlite3.Database;
  try {
    // The busy timeout makes a writer wait briefly for another process's transaction instead of failing.
    db = new Database(filename, { timeout: 5000 });
  } catch (err) {
    throw new PitchlyConfigError([`${owner}: cannot open \`filename\` ${JSON.stringify(filename)}: ${(err as Error).message}`]);
  }
  // WAL lets readers in other processes run while a writer commits.
  db.pragma("journal_mode = WAL");
  return db;
}
