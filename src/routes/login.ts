// GET login: a fresh state (and PKCE pair) bound to this session, then off to Pitchly's consent page.
import type { NextFunction, Request, Response } from "express";
import type { Core } from "../core";
import { addPendingLogin, newPkcePair, newState } from "../login-state";
import { redirect } from "../redirect";
import { safeReturnTo } from "../return-to";
import { requireSession, saveSession, type PendingLogin } from "../session-access";
import { rawQuery, single } from "./query";

export function createLoginHandler(core: Core) {
  const { options, endpoints } = core;

  return async function pitchlyLogin(req: Request, res: Response, next: NextFunction) {
    try {
      const session = requireSession(req);
      const requested = single(rawQuery(req), "returnTo");
      const returnTo = requested.kind === "one" ? safeReturnTo(requested.value) : undefined;
      const pending: PendingLogin = { state: newState(), createdAt: Date.now() };
      if (returnTo !== undefined) pending.returnTo = returnTo;

      const url = new URL(endpoints.authorizeUrl);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", options.clientId);
      url.searchParams.set("redirect_uri", options.redirectUri);
      url.searchParams.set("state", pending.state);
      if (options.scope !== undefined) url.searchParams.set("scope", options.scope);
      if (options.pkce) {
        const pkce = newPkcePair();
        pending.codeVerifier = pkce.verifier;
        url.searchParams.set("code_challenge", pkce.challenge);
        url.searchParams.set("code_challenge_method", "S256");
      }
      addPendingLogin(session, pending);
      await saveSession(session);
      core.logger.debug("login started");
      redirect(res, url.toString());
    } catch (err) {
      next(err);
    }
  };
}
