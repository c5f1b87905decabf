// Typed access to the two fields we keep in req.session, and the clear error when there is no session.
import type { Request } from "express";
import { PitchlyAuthError } from "./errors";
import type { TokenSet } from "./token-set";

/** One login in flight (one per tab): `state` and the PKCE verifier never leave the server. */
export interface PendingLogin {
  state: string;
  createdAt: number;
  returnTo?: string;
  codeVerifier?: string;
}

/** The signed-in grant; `tokens` only when no tokenStore is configured. */
export interface GrantRecordData {
  grantKey: string;
  rev: number;
  tokens?: TokenSet;
}

/** What we keep in the app's session, under two keys of our own. */
export interface PitchlySessionFields {
  pitchly?: GrantRecordData;
  pitchlyLogins?: PendingLogin[];
}

/** The slice of express-session's Session we rely on (no dependency on its type package). */
export interface SessionWithPitchly extends PitchlySessionFields {
  save(callback: (err?: unknown) => void): unknown;
  regenerate(callback: (err?: unknown) => void): unknown;
}

export function requireSession(req: Request): SessionWithPitchly {
  const session = (req as { session?: unknown }).session;
  if (typeof session !== "object" || session === null) {
    throw new PitchlyAuthError(
      "session_missing",
      "req.session is missing: mount express-session (app.use(session({ secret, resave: false, saveUninitialized: false }))) before the express-pitchly router",
    );
  }
  return session as SessionWithPitchly;
}

export function saveSession(session: SessionWithPitchly): Promise<void> {
  return new Promise((resolve, reject) => session.save((err: unknown) => (err ? reject(err) : resolve())));
}

export function regenerateSession(session: SessionWithPitchly): Promise<void> {
  return new Promise((resolve, reject) => session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}
