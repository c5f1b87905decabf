// POST /oauth/token and /api/oauth/token: code exchange, single-use rotating refresh, client authentication.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateClient } from "./client-auth";
import { BodyTooLargeError, hasContentType, readBody, sendJson } from "./http-util";
import { verifyS256 } from "./pkce";
import type { Context } from "./state";
import type { MockClient } from "./types";

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };
const SINGLE_VALUED = ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "client_id", "client_secret"];

const oauthError = (status: number, error: string, description: string): Answer => ({
  status,
  body: { error, error_description: description },
});

function redeemCode(ctx: Context, client: MockClient, form: URLSearchParams): Answer {
  const code = form.get("code");
  const redirectUri = form.get("redirect_uri");
  if (!code) return oauthError(400, "invalid_request", "code is required");
  if (!redirectUri) return oauthError(400, "invalid_request", "redirect_uri is required");
  const record = ctx.registry.codes.get(code);
  if (!record || record.clientId !== client.clientId) return oauthError(400, "invalid_grant", "unknown authorization code");
  if (record.expiresAt <= Date.now()) return oauthError(400, "invalid_grant", "authorization code expired");
  if (record.used) {
    // A replayed code means it leaked: revoke what the first redemption produced (RFC 6749 §4.1.2).
    if (record.grant) record.grant.revoked = true;
    return oauthError(400, "invalid_grant", "authorization code already used");
  }
  // Any attempt burns the code, so a wrong verifier cannot be retried until it matches.
  record.used = true;
  if (record.redirectUri !== redirectUri) return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request");
  const verifier = form.get("code_verifier");
  if (record.codeChallenge !== undefined) {
    if (!verifier || !verifyS256(verifier, record.codeChallenge)) return oauthError(400, "invalid_grant", "PKCE verification failed");
  } else if (verifier) {
    // A verifier with no challenge hints at a PKCE downgrade (RFC 9700 §2.1.1).
    return oauthError(400, "invalid_grant", "code_verifier sent but no code_challenge was used");
  }
  record.grant = { revoked: false };
  const pair = ctx.registry.issuePair(client.clientId, record.userId, record.scope, record.grant);
  return { status: 200, body: { ...pair } };
}

function rotateRefresh(ctx: Context, client: MockClient, form: URLSearchParams): Answer {
  const token = form.get("refresh_token");
  if (!token) return oauthError(400, "invalid_request", "refresh_token is required");
  const record = ctx.registry.refreshTokens.get(token);
  if (!record || record.clientId !== client.clientId || record.grant.revoked) {
    return oauthError(400, "invalid_grant", "refresh token is invalid, used or revoked");
  }
  // Single use: the old refresh token dies the moment a new pair is minted.
  ctx.registry.refreshTokens.delete(token);
  const scope = form.get("scope") || record.scope;
  const pair = ctx.registry.issuePair(client.clientId, record.userId, scope, record.grant);
  return { status: 200, body: { ...pair } };
}

function answer(ctx: Context, req: IncomingMessage, form: URLSearchParams | undefined): Answer {
  if (!form) return oauthError(400, "invalid_request", "body must be application/x-www-form-urlencoded");
  const repeated = SINGLE_VALUED.find((key) => form.getAll(key).length > 1);
  if (repeated) return oauthError(400, "invalid_request", `${repeated} must not be repeated`);
  const grantType = form.get("grant_type");
  if (!grantType) return oauthError(400, "invalid_request", "grant_type is required");
  const auth = authenticateClient(ctx.registry.clients, req.headers.authorization, form);
  if (!auth.ok) {
    const headers: Record<string, string> = auth.status === 401 ? { "WWW-Authenticate": 'Basic realm="pitchly"' } : {};
    return { ...oauthError(auth.status, auth.error, auth.description), headers };
  }
  if (grantType === "authorization_code") return redeemCode(ctx, auth.client, form);
  if (grantType === "refresh_token") return rotateRefresh(ctx, auth.client, form);
  return oauthError(400, "unsupported_grant_type", `grant_type ${grantType} is not supported`);
}

export async function handleToken(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const stats = ctx.registry.stats.token;
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    stats.errors++;
    return sendJson(res, 413, { error: "invalid_request", error_description: err.message }, NO_STORE);
  }
  const form = hasContentType(req, "application/x-www-form-urlencoded") ? new URLSearchParams(text) : undefined;
  // Counted before faults so tests can see that a call was attempted even when it was made to fail.
  const grantType = form?.get("grant_type");
  if (grantType === "authorization_code" || grantType === "refresh_token") stats[grantType]++;
  const fault = await ctx.faults.apply(ctx.faults.take("token"), res);
  if (fault.handled) {
    if (fault.status !== 0 && fault.status !== 200) stats.errors++;
    return;
  }
  const result = answer(ctx, req, form);
  if (result.status !== 200) stats.errors++;
  sendJson(res, result.status, result.body, { ...NO_STORE, ...result.headers });
}
