// GET login: a fresh state (and PKCE pair) bound to this session, then off to Pitchly's consent page.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { addPendingLogin, newPkcePair, newState } from "../../session/login-state";
import { requireSession, saveSession, type PendingLogin } from "../../session/session-access";
import { rawQuery, single } from "../query";
import { redirect } from "../redirect";
import { safeReturnTo } from "../return-to";

export interface LoginDeps {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string | undefined;
  pkce: boolean;
  /** Extra authorize parameters (config-checked: none of the ones set here). */
  authorizationParams: Readonly<Record<string, string>> | undefined;
  logger: Logger;
  /** Runs on every login request; each check inside acts once. */
  check(req: Request): void;
}

/**
 * Everything but the per-login parameters, serialised once: `url.searchParams.set` re-serialises the whole
 * query on every call. The per-login values (state, PKCE challenge) are base64url, which needs no encoding.
 */
function authorizeUrlParts(deps: LoginDeps): { head: string; hash: string } {
  const url = new URL(deps.authorizeUrl);
  for (const [name, value] of Object.entries(deps.authorizationParams ?? {})) url.searchParams.set(name, value);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", deps.clientId);
  url.searchParams.set("redirect_uri", deps.redirectUri);
  if (deps.scope !== undefined) url.searchParams.set("scope", deps.scope);
  for (const name of ["state", "code_challenge", "code_challenge_method"]) url.searchParams.delete(name);
  const hash = url.hash;
  url.hash = "";
  return { head: `${url.toString()}${url.search ? "&" : "?"}`, hash };
}

export function createLoginHandler(deps: LoginDeps) {
  const authorize = authorizeUrlParts(deps);
  return async function pitchlyLogin(req: Request, res: Response, next: NextFunction) {
    try {
      deps.check(req);
      const session = requireSession(req);
      const requested = single(rawQuery(req), "returnTo");
      const returnTo = requested.kind === "one" ? safeReturnTo(requested.value) : undefined;
      const pending: PendingLogin = { state: newState(), createdAt: Date.now() };
      if (returnTo !== undefined) pending.returnTo = returnTo;

      let url = `${authorize.head}state=${pending.state}`;
      if (deps.pkce) {
        const pkce = newPkcePair();
        pending.codeVerifier = pkce.verifier;
        url += `&code_challenge=${pkce.challenge}&code_challenge_method=S256`;
      }
      addPendingLogin(session, pending);
      await saveSession(session);
      deps.logger.debug("login started");
      redirect(res, url + authorize.hash);
    } catch (err) {
      next(err);
    }
  };
}
