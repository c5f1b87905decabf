// The one answer to "is this access token still good enough to use without refreshing?".
import type { TokenSet } from "../pitchly/token-set";

/**
 * A leeway at or above the token's lifetime would rotate the refresh token on every request: it is
 * clamped to half the lifetime Pitchly actually granted (known from `issuedAt`).
 */
export function effectiveLeewayMs(tokens: TokenSet, leewayMs: number): number {
  if (tokens.issuedAt === undefined) return leewayMs;
  return Math.min(leewayMs, Math.max(0, (tokens.expiresAt - tokens.issuedAt) / 2));
}

export function isFresh(tokens: TokenSet, leewayMs: number, now = Date.now()): boolean {
  return tokens.expiresAt - effectiveLeewayMs(tokens, leewayMs) > now;
}
