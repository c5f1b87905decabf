// The three grants of the token endpoint: code exchange, single-use rotating refresh, and the platform's app token.
import { verifyS256 } from "./pkce";
import { capScope } from "./scope";
import type { Context, Grant } from "./state";
import type { Generation, MockClient } from "./types";

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const oauthError = (status: number, error: string, description: string): Answer => ({
  status,
  body: { error, error_description: description },
});

export function redeemCode(ctx: Context, client: MockClient, form: URLSearchParams, generation: Generation): Answer {
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
  if (record.redirectUri !== redirectUri)
    return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request");
  const verifier = form.get("code_verifier");
  if (record.codeChallenge !== undefined) {
    if (!verifier || !verifyS256(verifier, record.codeChallenge))
      return oauthError(400, "invalid_grant", "PKCE verification failed");
  } else if (verifier) {
    // A verifier with no challenge hints at a PKCE downgrade (RFC 9700 §2.1.1).
    return oauthError(400, "invalid_grant", "code_verifier sent but no code_challenge was used");
  } else if (generation === "platform") {
    // Pitchly's own platform client always sends a challenge: treat PKCE as required there (PITCHLY.md, I).
    return oauthError(400, "invalid_grant", "PKCE is required: authorize with an S256 code_challenge");
  }
  const user = ctx.directory.users.get(record.userId);
  if (!user) return oauthError(400, "invalid_grant", "the user is gone");
  const full = capScope(ctx.directory.permissionsOf(client, generation), record.scope);
  record.grant = {
    generation,
    clientId: client.clientId,
    userId: user.id,
    organizationId: user.organizationId,
    permissions: full,
    revoked: false,
  };
  return { status: 200, body: { ...ctx.registry.issuePair(record.grant, capScope(full, form.get("scope"))) } };
}

export function rotateRefresh(ctx: Context, client: MockClient, form: URLSearchParams, generation: Generation): Answer {
  const token = form.get("refresh_token");
  if (!token) return oauthError(400, "invalid_request", "refresh_token is required");
  const grant = ctx.registry.refreshTokens.get(token);
  if (!grant || grant.clientId !== client.clientId || grant.revoked || grant.generation !== generation) {
    return oauthError(400, "invalid_grant", "refresh token is invalid, used or revoked");
  }
  // Single use: the old refresh token dies the moment a new pair is minted.
  ctx.registry.refreshTokens.delete(token);
  // `scope` caps the new access token only; the grant (and so the new refresh token) keeps all it had.
  return { status: 200, body: { ...ctx.registry.issuePair(grant, capScope(grant.permissions, form.get("scope"))) } };
}

/** Platform only: an app token for one organization, no refresh token (Pitchly's Unsplash plugin uses it for writes). */
export function appToken(ctx: Context, client: MockClient, form: URLSearchParams, generation: Generation): Answer {
  if (generation !== "platform") return oauthError(400, "unsupported_grant_type", "client_credentials is a platform grant");
  if (client.clientSecret === undefined) return oauthError(400, "unauthorized_client", "a public client cannot act as itself");
  const organizationId = form.get("organization_id");
  if (!organizationId) return oauthError(400, "invalid_request", "organization_id is required");
  if (!ctx.directory.organizations.has(organizationId))
    return oauthError(400, "invalid_grant", "the app is not installed in that organization");
  const permissions = ctx.directory.permissionsOf(client, generation);
  const grant: Grant = { generation, clientId: client.clientId, organizationId, permissions, revoked: false };
  const scoped = capScope(permissions, form.get("scope"));
  const { token, expiresIn } = ctx.registry.issueAccess(grant, scoped);
  return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: expiresIn, scope: scoped.join(" ") } };
}
