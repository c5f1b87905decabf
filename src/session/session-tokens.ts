// SessionTokens: the one owner of where a signed-in grant lives, and of what any session write may carry.
import { randomBytes } from "node:crypto";
import type { Request } from "express";
import type { Logger } from "pino";
import { PitchlyAuthError } from "../errors";
import { StoreBackend, type GrantBackend } from "../grant/grant-backend";
import type { TokenSet } from "../pitchly/token-set";
import { orUnavailable } from "../pitchly/unavailable";
import type { TokenStore } from "../stores/token-store";
import { ExpiringMap } from "./expiring-map";
import { GrantRecord, grantData, wrapGrantField } from "./grant-record";
import { STATE_TTL_MS } from "./login-state";
import {
  renewSession,
  requireSession,
  saveSession,
  type GrantRecordData,
  type SessionRequest,
  type SessionStoreLike,
  type SessionWithPitchly,
} from "./session-access";
import { guardSessionStore, type SessionWriteFilter, type WriteVerdict } from "./session-write-guard";

const MAX_ENTRIES = 100_000;
/** How long a request may stay in flight and still hold a stale copy worth correcting. */
const IN_FLIGHT_MS = 60 * 60 * 1000;

/** A shallow copy with the grant field replaced (or removed): the caller's object and its hash stay untouched. */
function withGrant(session: object, data: GrantRecordData | undefined): object {
  const copy = Object.create(Object.getPrototypeOf(session) as object | null) as Record<string, unknown>;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(session));
  if (data) copy.pitchly = new GrantRecord(data);
  else delete copy.pitchly;
  return copy;
}

export class SessionTokens implements SessionWriteFilter {
  /** This process's newest rotation per grant (session mode). */
  private readonly rotations = new ExpiringMap<string, GrantRecordData>(IN_FLIGHT_MS, MAX_ENTRIES);
  /** Grants signed out or replaced: never written again. */
  private readonly ended = new ExpiringMap<string, true>(IN_FLIGHT_MS, MAX_ENTRIES);
  /** Session ids our logout or sign-in renewed away: no write may bring them back. */
  private readonly retired = new ExpiringMap<string, true>(IN_FLIGHT_MS, MAX_ENTRIES);
  /** Which sign-in left which old session id, so a second tab's sign-in from it ends the first's grant. */
  private readonly signIns = new ExpiringMap<string, { grantKey: string; sessionId: string | undefined }>(
    STATE_TTL_MS,
    MAX_ENTRIES,
  );
  /**
   * Sessions the callback has just saved, with the grant field it saved. After session.regenerate(),
   * express-session always saves again at the end of the request (the id changed, so it never counts as
   * saved): the same session written twice. That second write is dropped while the field is unchanged.
   */
  private readonly savedAtSignIn = new WeakMap<object, unknown>();
  private lastStore: SessionStoreLike | undefined;
  /** Told each grant that ends here (logout, a sign-in replacing it, a refused refresh): live subscriptions end. */
  onGrantEnded: ((grantKey: string) => void) | undefined;

  /** `grantEnded` hears of every grant a sign-out or a new sign-in ended (the app's onLogout). */
  constructor(
    readonly store: TokenStore | undefined,
    private readonly logger: Logger,
    private readonly grantEnded: (req: Request, grantKey: string) => void = () => {},
  ) {}

  /**
   * Guards the request's session store the first time we see it. A fresh process has rotated and
   * ended nothing before its first request reaches our router or middleware, so nothing can be stale.
   * Returns true the first time a store is seen (the caller runs its one-time checks then).
   */
  watch(req: Request): boolean {
    const store = (req as SessionRequest).sessionStore;
    if (!store || store === this.lastStore) return false;
    this.lastStore = store;
    return guardSessionStore(store, this);
  }

  /** The session's grant as this process knows it newest; undefined when signed out (or ended). */
  current(session: SessionWithPitchly): GrantRecordData | undefined {
    const data = wrapGrantField(session);
    if (!data || this.ended.has(data.grantKey)) return undefined;
    return this.newest(data);
  }

  backendFor(session: SessionWithPitchly, grantKey: string): GrantBackend {
    return this.store ? new StoreBackend(this.store, grantKey) : new SessionBackend(this, session, grantKey);
  }

  /** Session mode: swap in `next` if the session still holds `expected`. Later writes anywhere will carry it. */
  rotate(session: SessionWithPitchly, grantKey: string, expected: string | undefined, next: TokenSet): boolean {
    const current = this.current(session);
    if (current?.grantKey !== grantKey || current.tokens?.refreshToken !== expected) return false;
    const data: GrantRecordData = { grantKey, rev: current.rev + 1, tokens: next };
    this.rotations.set(grantKey, data);
    session.pitchly = new GrantRecord(data);
    return true;
  }

  /**
   * The callback's sign-in: ends whatever grant this session (or a sibling tab's sign-in from the same
   * session) held, renews the session id and records the new grant. Returns the new grantKey.
   */
  async signIn(req: Request, tokens: TokenSet): Promise<string> {
    const old = requireSession(req);
    const oldId = (req as SessionRequest).sessionID;
    const grantKey = randomBytes(18).toString("base64url");
    // Claimed before any await, so of two callbacks from one session the later always sees the earlier.
    const sibling = oldId === undefined ? undefined : this.signIns.get(oldId);
    if (oldId !== undefined) this.signIns.set(oldId, { grantKey, sessionId: undefined });
    const previous = this.current(old);
    if (previous) await this.end(old, previous.grantKey);
    if (sibling) await this.endElsewhere(req, sibling.grantKey, sibling.sessionId);
    if (previous) this.grantEnded(req, previous.grantKey);
    // A sibling whose sign-in never finished (no session id yet) never was a live grant.
    if (sibling?.sessionId !== undefined && sibling.grantKey !== previous?.grantKey) this.grantEnded(req, sibling.grantKey);
    if (this.store) await orUnavailable(this.store.set(grantKey, tokens), "the token store");
    await this.stillLive(grantKey);
    await this.renew(req, true);
    await this.stillLive(grantKey);
    const session = requireSession(req);
    session.pitchly = new GrantRecord({ grantKey, rev: 1, ...(!this.store && { tokens }) });
    if (oldId !== undefined && this.signIns.get(oldId)?.grantKey === grantKey) {
      this.signIns.set(oldId, { grantKey, sessionId: (req as SessionRequest).sessionID });
    }
    return grantKey;
  }

  /** The callback's one write of the signed-in session; express-session's repeat of it is then skipped (see filter). */
  async saveSignedIn(session: SessionWithPitchly): Promise<void> {
    await saveSession(session);
    this.savedAtSignIn.set(session, session.pitchly);
  }

  /** Logout: the grant ends, the session id is renewed and the old one can never be written again. */
  async signOut(req: Request): Promise<void> {
    const session = requireSession(req);
    const current = this.current(session);
    if (current) await this.end(session, current.grantKey);
    delete session.pitchly;
    await this.renew(req, false);
    if (current) this.grantEnded(req, current.grantKey);
  }

  /** Ends a grant for good: out of this session, out of the token store, stripped from every later write. */
  async end(session: SessionWithPitchly | undefined, grantKey: string): Promise<void> {
    this.ended.set(grantKey, true);
    this.onGrantEnded?.(grantKey);
    if (session && grantData(session.pitchly)?.grantKey === grantKey) delete session.pitchly;
    if (this.store) {
      await this.store.delete(grantKey).catch((err: unknown) => {
        this.logger.warn({ err }, "could not delete the grant from the token store");
      });
    }
  }

  /** What a session store may write: nothing for a retired id, no ended grant, never an older rotation. */
  filter(sid: string, session: object): WriteVerdict {
    if (this.retired.has(sid)) return undefined;
    if (this.savedAtSignIn.has(session)) {
      const saved = this.savedAtSignIn.get(session);
      this.savedAtSignIn.delete(session);
      // Nothing runs between that save and the redirect; a changed field (an error path ending the grant) is written.
      if (saved === (session as { pitchly?: unknown }).pitchly) return undefined;
    }
    const data = grantData((session as { pitchly?: unknown }).pitchly);
    if (!data) return session;
    if (this.ended.has(data.grantKey)) return withGrant(session, undefined);
    const newest = this.newest(data);
    return newest === data ? session : withGrant(session, newest);
  }

  private newest(data: GrantRecordData): GrantRecordData {
    const known = this.rotations.get(data.grantKey);
    return known && known.rev > data.rev ? known : data;
  }

  private async renew(req: Request, carry: boolean): Promise<void> {
    const oldId = await renewSession(req, carry);
    if (oldId !== undefined) this.retired.set(oldId, true);
  }

  /** A later sign-in from the same session ended this one while it was under way: it must not survive. */
  private async stillLive(grantKey: string): Promise<void> {
    if (!this.ended.has(grantKey)) return;
    await this.end(undefined, grantKey);
    throw new PitchlyAuthError("state_mismatch", "a later sign-in from the same session replaced this one");
  }

  /** Two tabs signed in from one session: the earlier tab's grant and session end, the later one wins. */
  private async endElsewhere(req: Request, grantKey: string, sessionId: string | undefined): Promise<void> {
    await this.end(undefined, grantKey);
    const store = (req as SessionRequest).sessionStore;
    if (sessionId === undefined || !store) return;
    this.retired.set(sessionId, true);
    await new Promise<void>((resolve) => store.destroy(sessionId, () => resolve()));
  }
}

/** Session mode's GrantBackend: reads and rotations go through SessionTokens; only the rotating request saves. */
class SessionBackend implements GrantBackend {
  #wrote = false;

  constructor(
    private readonly tokens: SessionTokens,
    private readonly session: SessionWithPitchly,
    private readonly grantKey: string,
  ) {}

  async read(): Promise<TokenSet | undefined> {
    const current = this.tokens.current(this.session);
    return current?.grantKey === this.grantKey ? current.tokens : undefined;
  }

  async compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const swapped = this.tokens.rotate(this.session, this.grantKey, expectedRefreshToken, next);
    if (swapped) this.#wrote = true;
    return swapped;
  }

  async persist(): Promise<void> {
    if (!this.#wrote) return;
    this.#wrote = false;
    await saveSession(this.session);
  }

  async forget(): Promise<void> {
    // Pitchly declared the pair dead: signed out here, and no stale copy may sign the user back in.
    await this.tokens.end(this.session, this.grantKey);
  }
}
