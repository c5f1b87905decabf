// Checks token sets on the way into and out of a backend, so no store ever hands out half a set.
import type { z } from "zod";
import { tokenSetSchema, type TokenSet } from "../pitchly/token-set";

// Zod's messages name types and paths, never the offending value, so they are safe to surface;
// JSON.parse's are not (they quote the input), which is why we never pass those on.
function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** A fresh object with only the defined fields, so `{ scope: undefined }` and `{}` store the same. */
function normalize(parsed: z.infer<typeof tokenSetSchema>): TokenSet {
  const copy: TokenSet = { accessToken: parsed.accessToken, expiresAt: parsed.expiresAt, tokenType: parsed.tokenType };
  if (parsed.refreshToken !== undefined) copy.refreshToken = parsed.refreshToken;
  if (parsed.scope !== undefined) copy.scope = parsed.scope;
  if (parsed.issuedAt !== undefined) copy.issuedAt = parsed.issuedAt;
  return copy;
}

/** Validates a token set handed to a store and returns an independent copy of it. */
export function copyTokenSet(tokens: TokenSet, storeName: string): TokenSet {
  const result = tokenSetSchema.safeParse(tokens);
  if (!result.success) throw new TypeError(`${storeName}: refusing to store an invalid token set (${describe(result.error)})`);
  return normalize(result.data);
}

export function encodeTokenSet(tokens: TokenSet, storeName: string): string {
  return JSON.stringify(copyTokenSet(tokens, storeName));
}

export function corruptError(storeName: string, detail: string): Error {
  return new Error(`${storeName}: the stored token set is corrupt (${detail}); delete the grant so the user signs in again`);
}

/** Parses what a backend returned (text or Buffer); anything but a whole valid set is an Error. */
export function decodeTokenSet(raw: unknown, storeName: string): TokenSet {
  const text = typeof raw === "string" ? raw : Buffer.isBuffer(raw) ? raw.toString("utf8") : undefined;
  if (text === undefined) throw corruptError(storeName, `expected JSON text, got ${raw === null ? "null" : typeof raw}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corruptError(storeName, "not valid JSON");
  }
  const result = tokenSetSchema.safeParse(value);
  if (!result.success) throw corruptError(storeName, describe(result.error));
  return normalize(result.data);
}

/** A SQL store's row: the token set as JSON, and the refresh token compareAndSet matches on. */
export interface TokenRow {
  tokens: string | null;
  refresh_token: string | null;
}

/** The row's token set; a row whose compare-and-set column disagrees with its JSON can be trusted for neither. */
export function tokensOfRow(row: TokenRow | undefined, storeName: string): TokenSet | undefined {
  if (row === undefined || row.tokens === null) return undefined;
  const tokens = decodeTokenSet(row.tokens, storeName);
  if ((tokens.refreshToken ?? null) !== row.refresh_token)
    throw corruptError(storeName, "refresh_token column does not match tokens");
  return tokens;
}
