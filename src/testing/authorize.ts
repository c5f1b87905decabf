// GET /oauth/authorize (validation + consent page) and POST /oauth/authorize/decision (approve / deny).
import type { IncomingMessage, ServerResponse } from "node:http";
import { renderConsentPage, renderErrorPage } from "./consent-page";
import { hasContentType, redirect, sendHtml } from "./http-util";
import { capScope } from "./scope";
import { isValidChallenge } from "./pkce";
import type { Context, PendingAuthorization } from "./state";

type Params = Record<string, string>;

/** Builds the redirect back to the client; implicit-flow answers travel in the fragment (RFC 6749 §4.2.2). */
function backToClient(redirectUri: string, params: Params, state: string | undefined, inFragment: boolean): string {
  const url = new URL(redirectUri);
  const all = new URLSearchParams(params);
  if (state !== undefined) all.set("state", state);
  if (inFragment) url.hash = all.toString();
  else for (const [key, value] of all) url.searchParams.set(key, value);
  return url.toString();
}

export async function handleAuthorize(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  ctx.registry.stats.authorize++;
  const outcome = await ctx.faults.apply(ctx.faults.take("authorize"), res);
  if (outcome.handled) return;

  const q = url.searchParams;
  const clientId = q.get("client_id") ?? "";
  const redirectUri = q.get("redirect_uri") ?? "";
  const client = ctx.directory.clients.get(clientId);
  // Never redirect to an unverified URI (RFC 6749 §4.1.2.1): that would make this an open redirector.
  if (!client)
    return sendHtml(res, 400, renderErrorPage("Unknown application", `No application has the client_id "${clientId}".`));
  if (!client.redirectUris.includes(redirectUri)) {
    return sendHtml(
      res,
      400,
      renderErrorPage("Invalid redirect_uri", `"${redirectUri}" is not registered for this application.`),
    );
  }

  const state = q.get("state") ?? undefined;
  const responseType = q.get("response_type");
  const fail = (error: string, description: string): void =>
    redirect(res, backToClient(redirectUri, { error, error_description: description }, state, responseType === "token"));
  if (responseType !== "code" && responseType !== "token") {
    return fail("unsupported_response_type", "response_type must be code or token");
  }
  const challenge = q.get("code_challenge") ?? undefined;
  const method = q.get("code_challenge_method") ?? undefined;
  if (challenge !== undefined || method !== undefined) {
    // An absent method means "plain" (RFC 7636 §4.3), which Pitchly will not accept.
    if (method !== "S256") return fail("invalid_request", "code_challenge_method must be S256");
    if (challenge === undefined || !isValidChallenge(challenge)) return fail("invalid_request", "code_challenge is malformed");
  }
  if (client.clientSecret === undefined && responseType === "code" && challenge === undefined) {
    return fail("invalid_request", "public clients must use PKCE (code_challenge)");
  }
  if (client.generation === "platform") {
    // The platform's documented authorize URL always carries an S256 challenge; the implicit flow is v2's.
    if (responseType === "token") return fail("unsupported_response_type", "the platform supports response_type=code only");
    if (challenge === undefined) return fail("invalid_request", "code_challenge (S256) is required");
  }

  const pending: Omit<PendingAuthorization, "expiresAt"> = { client, redirectUri, responseType };
  if (state !== undefined) pending.state = state;
  const scope = q.get("scope");
  if (scope) pending.scope = scope;
  if (challenge !== undefined && responseType === "code") pending.codeChallenge = challenge;
  const tx = ctx.registry.addPending(pending);
  const page = { client, users: [...ctx.directory.users.values()], tx, redirectUri };
  sendHtml(res, 200, renderConsentPage(pending.scope ? { ...page, scope: pending.scope } : page));
}

export async function handleDecision(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  _url: URL,
  text: string,
): Promise<void> {
  ctx.registry.stats.decisions++;
  if (!hasContentType(req, "application/x-www-form-urlencoded")) {
    return sendHtml(res, 400, renderErrorPage("Bad request", "The consent form must be form-encoded."));
  }
  const form = new URLSearchParams(text);
  const pending = ctx.registry.takePending(form.get("tx") ?? "");
  if (!pending) {
    return sendHtml(res, 400, renderErrorPage("This request has expired", "Go back to the application and sign in again."));
  }
  const implicit = pending.responseType === "token";
  const decision = form.get("decision");
  if (decision !== "approve") {
    return redirect(res, backToClient(pending.redirectUri, { error: "access_denied" }, pending.state, implicit));
  }
  const userId = form.get("user") || ctx.directory.defaultUser.id;
  const user = ctx.directory.users.get(userId);
  if (!user) {
    return sendHtml(res, 400, renderErrorPage("Unknown user", `No user has the id "${userId}".`));
  }
  const clientId = pending.client.clientId;
  if (implicit) {
    // The implicit flow is documented for v2 only, so its tokens are v2 tokens.
    const permissions = capScope(ctx.directory.permissionsOf(pending.client, "v2"), pending.scope);
    const grant = {
      generation: "v2" as const,
      clientId,
      userId,
      organizationId: user.organizationId,
      permissions,
      revoked: false,
    };
    const { token, expiresIn } = ctx.registry.issueAccess(grant, permissions);
    const params: Params = {
      access_token: token,
      token_type: "bearer",
      expires_in: String(expiresIn),
      scope: permissions.join(" "),
    };
    return redirect(res, backToClient(pending.redirectUri, params, pending.state, true));
  }
  const record = { clientId, redirectUri: pending.redirectUri, userId };
  const code = ctx.registry.addCode({
    ...record,
    ...(pending.scope !== undefined ? { scope: pending.scope } : {}),
    ...(pending.codeChallenge !== undefined ? { codeChallenge: pending.codeChallenge } : {}),
  });
  redirect(res, backToClient(pending.redirectUri, { code }, pending.state, false));
}
