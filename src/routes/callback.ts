// GET callback: check state, handle Pitchly's error, exchange the code, renew the session, sign in.
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Core } from "../core";
import { endGrant } from "../end-grant";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import { STATE_TTL_MS, SpentStates, takePendingLogin } from "../login-state";
import { redirect } from "../redirect";
import { safeReturnTo } from "../return-to";
import { SessionGrantRecord } from "../rotation-registry";
import { regenerateSession, requireSession, saveSession, type GrantRecordData, type PendingLogin } from "../session-access";
import type { TokenSet } from "../token-set";
import { providerError } from "./provider-error";
import { hasStructured, isVisibleAscii, rawQuery, single, type RawQuery } from "./query";

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
  if (!spent.claim(pending.state)) throw new PitchlyAuthError("state_mismatch", "this state is already being used by another request");
  if (Date.now() - pending.createdAt > STATE_TTL_MS) throw new PitchlyAuthError("state_expired", "the sign-in took longer than 10 minutes");
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
    throw new PitchlyAuthError("provider_error", "the callback carried a token in the query; only a code is accepted", { status: 400 });
  }
  if (code.kind !== "one" || hasStructured(params, "code") || !isVisibleAscii(code.value)) {
    throw new PitchlyAuthError("provider_error", "the callback has no usable code parameter", { status: 400 });
  }
  return code.value;
}

/** New session id (fixation defence); the app's other session data and other tabs' logins come along. */
async function renewSession(req: Request): Promise<void> {
  const old = requireSession(req);
  const carried: Record<string, unknown> = {};
  for (const key of Object.keys(old)) if (key !== "cookie" && key !== "pitchly") carried[key] = (old as unknown as Record<string, unknown>)[key];
  await regenerateSession(old);
  Object.assign(requireSession(req), carried);
}

export function createCallbackHandler(core: Core) {
  const { options, logger } = core;
  const spent = new SpentStates();
  // Normalised once, like every other location we send.
  const successRedirect = safeReturnTo(options.successRedirect) ?? "/";

  return async function pitchlyCallback(req: Request, res: Response, next: NextFunction) {
    let grantKey: string | undefined;
    try {
      const params = rawQuery(req);
      const pending = checkState(req, params, spent);
      const code = readCode(params);
      // With PKCE on, a login without a verifier (tampered or pre-upgrade session) is never exchanged bare.
      if (options.pkce && pending.codeVerifier === undefined) throw new PitchlyAuthError("state_mismatch", "this sign-in started without PKCE");
      const tokens: TokenSet = await core.tokenClient.exchangeCode(code, options.redirectUri, pending.codeVerifier);
      grantKey = randomBytes(18).toString("base64url");
      if (core.store) {
        await core.store.set(grantKey, tokens).catch((err: unknown) => {
          throw new PitchlyAuthError("pitchly_unavailable", "the token store did not answer", { cause: err, retryAfter: 5 });
        });
      }
      await renewSession(req);
      const session = requireSession(req);
      // A brand-new grantKey has no stale copies anywhere, so the rotation registry need not hear of it.
      const record: GrantRecordData = { grantKey, rev: 1, ...(!core.store && { tokens }) };
      session.pitchly = new SessionGrantRecord(record, core.registry);
      if (options.onLogin) await options.onLogin({ req, grantKey });
      await saveSession(session);
      logger.info("user signed in with Pitchly");
      redirect(res, safeReturnTo(pending.returnTo) ?? successRedirect);
    } catch (err) {
      // onLogin refusing the user (or the save failing) must leave nobody signed in.
      if (grantKey !== undefined) await endGrant(core, requireSession(req), grantKey);
      if (isPitchlyAuthError(err)) {
        logger.warn({ errorCode: err.code }, "sign-in callback failed");
        if (err.retryAfter !== undefined) res.setHeader("Retry-After", String(err.retryAfter));
      }
      next(err);
    }
  };
}
