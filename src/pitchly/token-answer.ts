// Reads a token endpoint's 200 answer into a TokenSet, refusing anything we could not safely store and send.
import { tokenResponseSchema, toTokenSet, type AnswerContext, type TokenResponse, type TokenSet } from "./token-set";
import { isVisibleAscii } from "./vschar";

export type TokenAnswer = { ok: true; tokens: TokenSet } | { ok: false; what: string };

const NUMERIC = /^\s*\d+(\.\d+)?\s*$/;

/** What zod's coercion lets through but no sane provider sends. */
function unsafeFields(raw: Record<string, unknown>, data: TokenResponse, context: AnswerContext): string[] {
  const bad: string[] = [];
  if (!isVisibleAscii(data.access_token)) bad.push("access_token");
  if (data.refresh_token !== undefined && !isVisibleAscii(data.refresh_token)) bad.push("refresh_token");
  // RFC 6749 §7.1: a client must not use a token type it does not understand; we only speak Bearer.
  if (data.token_type !== undefined && data.token_type.trim().toLowerCase() !== "bearer") bad.push("token_type");
  const expires = raw.expires_in;
  // Coercion would read `true` as 1 second and `[5]` as 5: only a number (or a numeric string) is a lifetime.
  if (expires !== undefined && typeof expires !== "number" && !(typeof expires === "string" && NUMERIC.test(expires))) {
    bad.push("expires_in");
  } else if (data.expires_in === 0 && context.refusesZeroLifetime) {
    // A rotated pair "expired on arrival" would make every later request rotate again.
    bad.push("expires_in");
  }
  return bad;
}

export function readTokenAnswer(body: string, context: AnswerContext): TokenAnswer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, what: "was not JSON" };
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "body"))].join(", ");
    return { ok: false, what: `failed validation (${fields})` };
  }
  const bad = unsafeFields(json as Record<string, unknown>, parsed.data, context);
  if (bad.length > 0) return { ok: false, what: `failed validation (${bad.join(", ")})` };
  return { ok: true, tokens: toTokenSet(parsed.data, context) };
}
