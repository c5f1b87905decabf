// Typed access to the two fields we keep in req.session, and the clear error when there is no session.
import type { Request } from "express";
import { PitchlyAuthError } from "../errors";
import type { TokenSet } from "../pitchly/token-set";
import type { GrantRecord } from "./grant-record";

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
  /** Bumped by every rotation, so a write carrying an older pair can be recognised and replaced. */
  rev: number;
  tokens?: TokenSet;
}

/** What we keep in the app's session, under two keys of our own. */
export interface PitchlySessionFields {
  pitchly?: GrantRecord | GrantRecordData;
  pitchlyLogins?: PendingLogin[];
}

/** The slice of express-session's Session we rely on (no dependency on its type package). */
export interface SessionWithPitchly extends PitchlySessionFields {
  save(callback: (err?: unknown) => void): unknown;
  regenerate(callback: (err?: unknown) => void): unknown;
}

/** The slice of an express-session Store we guard (see session-write-guard). */
export interface SessionStoreLike {
  set(sid: string, session: object, callback?: (err?: unknown) => void): unknown;
  get(sid: string, callback: (err: unknown, session?: object | null) => void): unknown;
  touch?(sid: string, session: object, callback?: (err?: unknown) => void): unknown;
  destroy(sid: string, callback?: (err?: unknown) => void): unknown;
}

/** What express-session puts on every request. */
export interface SessionRequest {
  session?: SessionWithPitchly;
  sessionID?: string;
  sessionStore?: SessionStoreLike;
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

function regenerateSession(session: SessionWithPitchly): Promise<void> {
  return new Promise((resolve, reject) => session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

/**
 * New session id (fixation defence). With `carry`, the app's own data (and other tabs' pending logins)
 * come along; our grant field never does. Resolves with the id that was regenerated away.
 */
export async function renewSession(req: Request, carry: boolean): Promise<string | undefined> {
  const old = requireSession(req);
  const oldId = (req as SessionRequest).sessionID;
  const carried: Record<string, unknown> = {};
  if (carry) {
    for (const key of Object.keys(old))
      if (key !== "cookie" && key !== "pitchly") carried[key] = (old as unknown as Record<string, unknown>)[key];
  }
  await regenerateSession(old);
  Object.assign(requireSession(req), carried);
  return oldId;
}
