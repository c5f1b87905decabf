// The token set we keep per grant, and the zod check every token-endpoint answer must pass.
import { z } from "zod";

/** What is stored per grant; `expiresAt` is a ms epoch. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  tokenType: string;
  /** What Pitchly granted (its answer's `scope`); a refresh asks for no more than this. */
  scope?: string;
  /** ms epoch when Pitchly issued the access token, so the refresh leeway can be held below its lifetime. */
  issuedAt?: number;
}

export const tokenSetSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().finite(),
  tokenType: z.string().min(1),
  scope: z.string().optional(),
  issuedAt: z.number().finite().optional(),
});

// Loose on extra fields (providers add some), strict on the ones we rely on.
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1).max(8192),
  token_type: z.string().min(1).max(64).optional(),
  expires_in: z.coerce
    .number()
    .finite()
    .nonnegative()
    .max(10 * 365 * 24 * 3600)
    .optional(),
  refresh_token: z.string().min(1).max(8192).optional(),
  scope: z.string().max(4096).optional(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** What a token answer may leave out, and what the previous pair already told us. */
export interface AnswerContext {
  /** The generation's documented lifetime (v2 7200 s, platform 3600 s), used when `expires_in` is absent or 0. */
  defaultLifetimeSeconds: number;
  previousRefreshToken?: string;
  /** RFC 6749 §5.1: a refresh answer without `scope` was granted the scope of the previous pair. */
  previousScope?: string;
  /** Refreshes refuse `expires_in: 0` (the pair in hand is kept); a sign-in reads it as the default lifetime. */
  refusesZeroLifetime: boolean;
}

/**
 * Turns a validated answer into a token set; a rotation without `refresh_token` keeps the previous one.
 * At sign-in, `expires_in: 0` is read like a missing one: a token that is truly dead is caught by the
 * token-invalid retry, whereas "expired on arrival" would refuse every sign-in.
 */
export function toTokenSet(answer: TokenResponse, context: AnswerContext, now = Date.now()): TokenSet {
  const lifetime = answer.expires_in || context.defaultLifetimeSeconds;
  const set: TokenSet = {
    accessToken: answer.access_token,
    expiresAt: now + lifetime * 1000,
    tokenType: answer.token_type ?? "bearer",
    issuedAt: now,
  };
  const refreshToken = answer.refresh_token ?? context.previousRefreshToken;
  if (refreshToken !== undefined) set.refreshToken = refreshToken;
  const scope = answer.scope ?? context.previousScope;
  if (scope !== undefined) set.scope = scope;
  return set;
}
