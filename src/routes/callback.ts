// GET callback: check state, handle Pitchly's error, exchange the code, renew the session, sign in.
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Core } from "../core";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import { STATE_TTL_MS, takePendingLogin } from "../login-state";
import { SessionGrantRecord } from "../rotation-registry";
import { regenerateSession, requireSession, saveSession, type GrantRecordData, type PendingLogin } from "../session-access";
import type { TokenSet } from "../token-set";
import { hasStructured, rawQuery, single } from "./query";

function checkState(req: Request): PendingLogin {
  const session = requireSession(req);
  const params = rawQuery(req);
  const state = single(params, "state");
  if (state.kind === "absent") {
    const code = hasStructured(params, "state") ? "state_mismatch" : "state_missing";
    throw new PitchlyAuthError(code, "the callback has no usable state parameter");
  }
  if (state.kind === "malformed") throw new PitchlyAuthError("state_mismatch", "the callback's state parameter is malformed");
  // Consumed on first sight, whatever happens next: a state is never good twice.
  const pending = takePendingLogin(session, state.value);
  if (!pending) throw new PitchlyAuthError("state_mismatch", "this state was not issued to this session (or was already used)");
  if (Date.now() - pending.createdAt > STATE_TTL_MS) throw new PitchlyAuthError("state_expired", "the sign-in took longer than 10 minutes");
  return pending;
}

function readCode(params: URLSearchParams): string {
  const error = single(params, "error");
  const code = single(params, "code");
  if (error.kind !== "absent") {
    if (code.kind !== "absent") throw new PitchlyAuthError("provider_error", "the callback carried both a code and an error", { status: 400 });
    // Only a well-formed OAuth error code is repeated; error_description and error_uri never are.
    const name = error.kind === "one" && /^[a-z_]{1,64}$/.test(error.value) ? error.value : "unknown_error";
    if (name === "access_denied") throw new PitchlyAuthError("access_denied", "the user declined to sign in with Pitchly");
    throw new PitchlyAuthError("provider_error", `Pitchly reported an error: ${name}`);
  }
  if (params.has("access_token") || params.has("id_token")) {
    throw new PitchlyAuthError("provider_error", "the callback carried a token in the query; only a code is accepted", { status: 400 });
  }
  if (code.kind !== "one" || hasStructured(params, "code")) {
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

  return async function pitchlyCallback(req: Request, res: Response, next: NextFunction) {
    try {
      const pending = checkState(req);
      const code = readCode(rawQuery(req));
      const tokens: TokenSet = await core.tokenClient.exchangeCode(code, options.redirectUri, pending.codeVerifier);
      const grantKey = randomBytes(18).toString("base64url");
      if (core.store) {
        await core.store.set(grantKey, tokens).catch((err: unknown) => {
          throw new PitchlyAuthError("pitchly_unavailable", "the token store did not answer", { cause: err, retryAfter: 5 });
        });
      }
      await renewSession(req);
      const session = requireSession(req);
      const record: GrantRecordData = { grantKey, rev: 1, ...(!core.store && { tokens }) };
      core.registry.record(record);
      session.pitchly = new SessionGrantRecord(record, core.registry);
      if (options.onLogin) await options.onLogin({ req, grantKey });
      await saveSession(session);
      logger.info("user signed in with Pitchly");
      res.redirect(302, pending.returnTo ?? options.successRedirect);
    } catch (err) {
      if (isPitchlyAuthError(err)) {
        logger.warn({ code: err.code }, "sign-in callback failed");
        if (err.retryAfter !== undefined) res.setHeader("Retry-After", String(err.retryAfter));
      }
      next(err);
    }
  };
}
