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

export function createLoginHandler(deps: LoginDeps) {
  return async function pitchlyLogin(req: Request, res: Response, next: NextFunction) {
    try {
      deps.check(req);
      const session = requireSession(req);
      const requested = single(rawQuery(req), "returnTo");
      const returnTo = requested.kind === "one" ? safeReturnTo(requested.value) : undefined;
      const pending: PendingLogin = { state: newState(), createdAt: Date.now() };
      if (returnTo !== undefined) pending.returnTo = returnTo;

      const url = new URL(deps.authorizeUrl);
      for (const [name, value] of Object.entries(deps.authorizationParams ?? {})) url.searchParams.set(name, value);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", deps.clientId);
      url.searchParams.set("redirect_uri", deps.redirectUri);
      url.searchParams.set("state", pending.state);
      if (deps.scope !== undefined) url.searchParams.set("scope", deps.scope);
      if (deps.pkce) {
        const pkce = newPkcePair();
        pending.codeVerifier = pkce.verifier;
        url.searchParams.set("code_challenge", pkce.challenge);
        url.searchParams.set("code_challenge_method", "S256");
      }
      addPendingLogin(session, pending);
      await saveSession(session);
      deps.logger.debug("login started");
      redirect(res, url.toString());
    } catch (err) {
      next(err);
    }
  };
}
