// GET callback: check state, handle Pitchly's error, exchange the code, renew the session, sign in.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { PitchlyAuthError, isPitchlyAuthError } from "../../errors";
import type { OnLoginContext } from "../../options/types";
import type { TokenClient } from "../../pitchly/token-client";
import type { TokenSet } from "../../pitchly/token-set";
import { STATE_TTL_MS, SpentStates, takePendingLogin, type StateClaim } from "../../session/login-state";
import { requireSession, type PendingLogin } from "../../session/session-access";
import type { SessionTokens } from "../../session/session-tokens";
import { redirect } from "../redirect";
import { safeReturnTo } from "../return-to";
import { providerError } from "./provider-error";
import { isVisibleAscii } from "../../pitchly/vschar";
import { hasStructured, rawQuery, single, type RawQuery } from "../query";
import type { LoginProfile } from "../login-profile";

function checkState(req: Request, params: RawQuery, spent: SpentStates): PendingLogin {
  const session = requireSession(req);
  const state = single(params, "state");
  if (state.kind === "absent") {
    const code = hasStructured(params, "state") ? "state_mismatch" : "state_missing";
    throw new PitchlyAuthError(code, "the callback has no usable state parameter");
  }
  // `state` beside `state[]` is parameter pollution: which one a parser keeps is anyone's guess.
  if (state.kind === "malformed" || hasStructured(params, "state") || !isVisibleAscii(state.value)) {
    throw new PitchlyAuthError("state_mismatch", "the callback's state parameter is malformed");
  }
  // Consumed on first sight, whatever happens next: a state is never good twice.
  const pending = takePendingLogin(session, state.value);
  if (!pending) throw new PitchlyAuthError("state_mismatch", "this state was not issued to this session (or was already used)");
  if (!spent.claim(pending.state))
    throw new PitchlyAuthError("state_mismatch", "this state is already being used by another request");
  if (Date.now() - pending.createdAt > STATE_TTL_MS)
    throw new PitchlyAuthError("state_expired", "the sign-in took longer than 10 minutes");
  return pending;
}

function readCode(params: RawQuery): string {
  const error = single(params, "error");
  const code = single(params, "code");
  const errorSent = error.kind !== "absent" || hasStructured(params, "error");
  if (errorSent && (code.kind !== "absent" || hasStructured(params, "code"))) {
    throw new PitchlyAuthError("provider_error", "the callback carried both a code and an error", { status: 400 });
  }
  if (errorSent) throw providerError(error);
  if (params.has("access_token") || params.has("id_token") || params.has("refresh_token")) {
    throw new PitchlyAuthError("provider_error", "the callback carried a token in the query; only a code is accepted", {
      status: 400,
    });
  }
  if (code.kind !== "one" || hasStructured(params, "code") || !isVisibleAscii(code.value)) {
    throw new PitchlyAuthError("provider_error", "the callback has no usable code parameter", { status: 400 });
  }
  return code.value;
}

export interface CallbackDeps {
  tokenClient: TokenClient;
  tokens: SessionTokens;
  redirectUri: string;
  pkce: boolean;
  successRedirect: string;
  onLogin: ((ctx: OnLoginContext) => void | Promise<void>) | undefined;
  /** Shared with other processes when a lock is configured: a state is then single use everywhere. */
  stateClaim: StateClaim;
  logger: Logger;
  check(req: Request): void;
  /** Who signed in: read before the grant is stored, kept with it once it is (http/login-profile). */
  profile: LoginProfile;
}

export function createCallbackHandler(deps: CallbackDeps) {
  const { tokens, logger } = deps;
  const spent = new SpentStates();
  // Normalised once, like every other location we send.
  const successRedirect = safeReturnTo(deps.successRedirect) ?? "/";

  return async function pitchlyCallback(req: Request, res: Response, next: NextFunction) {
    let grantKey: string | undefined;
    try {
      deps.check(req);
      const params = rawQuery(req);
      const pending = checkState(req, params, spent);
      const code = readCode(params);
      // With PKCE on, a login without a verifier (tampered or pre-upgrade session) is never exchanged bare.
      if (deps.pkce && pending.codeVerifier === undefined)
        throw new PitchlyAuthError("state_mismatch", "this sign-in started without PKCE");
      await deps.stateClaim(pending.state);
      const exchanged: TokenSet = await deps.tokenClient.exchangeCode(code, deps.redirectUri, pending.codeVerifier);
      const profile = await deps.profile.fetch(exchanged);
      grantKey = await tokens.signIn(req, exchanged);
      deps.profile.keep(req, grantKey, profile);
      if (deps.onLogin) await deps.onLogin({ req, grantKey, profile });
      await tokens.saveSignedIn(requireSession(req));
      logger.info("user signed in with Pitchly");
      redirect(res, safeReturnTo(pending.returnTo) ?? successRedirect);
    } catch (err) {
      // onLogin refusing the user (or the save failing) must leave nobody signed in.
      if (grantKey !== undefined) await tokens.end(requireSession(req), grantKey);
      if (isPitchlyAuthError(err)) {
        logger.warn({ errorCode: err.code }, "sign-in callback failed");
        if (err.retryAfter !== undefined) res.setHeader("Retry-After", String(err.retryAfter));
      }
      next(err);
    }
  };
}
