// The contracts every token store and refresh lock implements; the core knows backends only through these.
import type { TokenSet } from "../pitchly/token-set";

/**
 * Server-side token storage keyed by `grantKey`. Every method returns a Promise;
 * a backend failure rejects (the core answers `503 pitchly_unavailable` and deletes nothing).
 */
export interface TokenStore {
  get(grantKey: string): Promise<TokenSet | undefined>;
  /** Unconditional write, used at login for a brand-new grant. */
  set(grantKey: string, tokens: TokenSet): Promise<void>;
  /**
   * Writes `next` only if the stored refresh token is still `expectedRefreshToken`
   * (`undefined` = the grant must not exist yet). Resolves `true` when written.
   * This is what stops a stale writer from undoing a rotation.
   */
  compareAndSet(grantKey: string, expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean>;
  delete(grantKey: string): Promise<void>;
}

/** A held lock; pass it back to `release`. */
export interface LockHandle {
  readonly key: string;
  readonly token: string;
}

/**
 * Cross-process mutual exclusion for refreshes. `acquire` never waits: it resolves a handle
 * when this caller now holds `key`, or `undefined` when someone else does. A holder that dies
 * loses the lock after `ttlMs`.
 */
export interface RefreshLock {
  acquire(key: string, ttlMs: number): Promise<LockHandle | undefined>;
  /** Releases only if `handle` still owns the lock (a lock that expired and was re-taken is left alone). */
  release(handle: LockHandle): Promise<void>;
  /**
   * Optional: how long `key` stays held (ms), `undefined` when free. Lets every process echo the exact
   * `Retry-After` another process was given; without it they answer the default delay.
   */
  remainingMs?(key: string): Promise<number | undefined>;
}

export function isRefreshLock(value: unknown): value is RefreshLock {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<RefreshLock>).acquire === "function" &&
    typeof (value as Partial<RefreshLock>).release === "function"
  );
}
