// How long a browser token has left, and whether it should be treated as expired.
import type { BrowserToken } from "./token.js";

/** Whole seconds until `token` expires, never negative (0 for a malformed expiresAt). */
export function expiresIn(token: BrowserToken, now: number = Date.now()): number {
  if (!Number.isFinite(token.expiresAt)) return 0;
  return Math.max(0, Math.floor((token.expiresAt - now) / 1000));
}

/** True once fewer than `leewaySeconds` remain (default 60), so a request never starts with a dying token. */
export function isExpired(token: BrowserToken, leewaySeconds = 60, now: number = Date.now()): boolean {
  if (!Number.isFinite(token.expiresAt)) return true;
  return token.expiresAt - leewaySeconds * 1000 <= now;
}
