// The token set we keep per grant, and the zod check every token-endpoint answer must pass.
import { z } from "zod";

/** What is stored per grant; `expiresAt` is a ms epoch. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  tokenType: string;
  scope?: string;
}

export const tokenSetSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().finite(),
  tokenType: z.string().min(1),
  scope: z.string().optional(),
});

// Loose on extra fields (providers add some), strict on the ones we rely on.
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1).max(8192),
  token_type: z.string().min(1).max(64).optional(),
  expires_in: z.coerce.number().finite().positive().max(10 * 365 * 24 * 3600).optional(),
  refresh_token: z.string().min(1).max(8192).optional(),
  scope: z.string().max(4096).optional(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;

const DEFAULT_EXPIRES_IN = 7200;

/** Turns a validated answer into a token set; a rotation without `refresh_token` keeps the previous one. */
export function toTokenSet(answer: TokenResponse, previousRefreshToken?: string, now = Date.now()): TokenSet {
  const set: TokenSet = {
    accessToken: answer.access_token,
    expiresAt: now + (answer.expires_in ?? DEFAULT_EXPIRES_IN) * 1000,
    tokenType: answer.token_type ?? "bearer",
  };
  const refreshToken = answer.refresh_token ?? previousRefreshToken;
  if (refreshToken !== undefined) set.refreshToken = refreshToken;
  if (answer.scope !== undefined) set.scope = answer.scope;
  return set;
}
