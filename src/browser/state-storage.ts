// Pending OAuth states in sessionStorage: the 5 newest kept, 10-minute lifetime, each usable once.
import { PitchlyBrowserError } from "./errors.js";
import type { StorageLike } from "./env.js";

export const IMPLICIT_STATE_KEY = "express-pitchly:state";
export const PKCE_STATE_KEY = "express-pitchly:pkce";
export const MAX_PENDING_STATES = 5;
export const STATE_MAX_AGE_MS = 10 * 60 * 1000;

export interface PendingState {
  state: string;
  createdAt: number;
  /** PKCE code_verifier, for PKCE logins only. */
  verifier?: string;
}

function isPendingState(value: unknown): value is PendingState {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.state === "string" &&
    entry.state !== "" &&
    typeof entry.createdAt === "number" &&
    Number.isFinite(entry.createdAt) &&
    (entry.verifier === undefined || typeof entry.verifier === "string")
  );
}

function isFresh(entry: PendingState, now: number): boolean {
  return now - entry.createdAt <= STATE_MAX_AGE_MS;
}

function read(storage: StorageLike, key: string): PendingState[] {
  let raw: string | null;
  try {
    raw = storage.getItem(key);
  } catch (cause) {
    throw new PitchlyBrowserError("browser_unsupported", "sessionStorage cannot be read", { cause });
  }
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isPendingState) : [];
  } catch {
    return []; // garbage in storage is treated as "no pending login"
  }
}

function write(storage: StorageLike, key: string, entries: PendingState[]): void {
  try {
    if (entries.length === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(entries));
  } catch (cause) {
    throw new PitchlyBrowserError("browser_unsupported", "sessionStorage cannot be written", { cause });
  }
}

/** Compares without an early exit, so timing does not reveal how much of a state matched. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function rememberState(storage: StorageLike, key: string, entry: PendingState, now: number): void {
  const kept = read(storage, key).filter((e) => isFresh(e, now));
  kept.push(entry);
  write(storage, key, kept.slice(-MAX_PENDING_STATES));
}

/**
 * Removes every pending entry whose state is one of `candidates` (single use: consumed on first
 * sight, whatever happens next) and returns the match if it was still fresh.
 */
export function takeState(
  storage: StorageLike,
  key: string,
  candidates: readonly string[],
  now: number,
): PendingState | undefined {
  const entries = read(storage, key);
  const matches = (e: PendingState): boolean => candidates.some((c) => sameString(c, e.state));
  const match = entries.find(matches);
  write(
    storage,
    key,
    entries.filter((e) => !matches(e) && isFresh(e, now)),
  );
  return match !== undefined && isFresh(match, now) ? match : undefined;
}
