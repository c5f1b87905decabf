// Where one grant's tokens live for this call: the request's session, or the configured TokenStore.
import { PitchlyAuthError } from "./errors";
import { RotationRegistry, SessionGrantRecord } from "./rotation-registry";
import { saveSession, type GrantRecordData, type SessionWithPitchly } from "./session-access";
import type { TokenStore } from "./stores/token-store";
import type { TokenSet } from "./token-set";

/** Read the grant's current pair, or replace it only if it is still the one read. */
export interface GrantBackend {
  read(): Promise<TokenSet | undefined>;
  compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean>;
  /** Forget a pair Pitchly has declared dead (session mode only: a store's row may be relinked by the app). */
  forget(): Promise<void>;
  /** Make a rotation this backend wrote durable before the handler runs. */
  persist(): Promise<void>;
}

/** Just before any save of this session, swap a stale grant record for the newest rev. */
function guardSave(session: SessionWithPitchly, registry: RotationRegistry): void {
  const save = session.save;
  const guarded = function pitchlyGuardedSave(this: SessionWithPitchly, ...args: Parameters<SessionWithPitchly["save"]>) {
    const field = this.pitchly;
    const newer = field instanceof SessionGrantRecord ? field.newer() : undefined;
    if (newer) this.pitchly = new SessionGrantRecord(newer, registry);
    return save.apply(this, args);
  };
  // express-session already made `save` an own, non-enumerable property: plain assignment keeps that
  // (and is cheaper on the hot path); anything else gets the same shape explicitly.
  if (Object.prototype.hasOwnProperty.call(session, "save")) session.save = guarded;
  else Object.defineProperty(session, "save", { configurable: true, enumerable: false, writable: true, value: guarded });
}

/** Returns the session's grant record, wrapped (and the session's save guarded) so no save writes a stale rev. */
export function sessionGrant(session: SessionWithPitchly, registry: RotationRegistry): SessionGrantRecord | undefined {
  const field = session.pitchly;
  if (field instanceof SessionGrantRecord) return field;
  if (typeof field !== "object" || field === null || typeof field.grantKey !== "string" || typeof field.rev !== "number") {
    return undefined;
  }
  // Wrapping the loaded object itself keeps the session's serialisation (and express-session's hash) unchanged.
  const record = new SessionGrantRecord(field, registry);
  session.pitchly = record;
  guardSave(session, registry);
  return record;
}

export class SessionBackend implements GrantBackend {
  private wrote = false;

  constructor(
    private readonly session: SessionWithPitchly,
    private readonly registry: RotationRegistry,
    private readonly grantKey: string,
  ) {}

  async read(): Promise<TokenSet | undefined> {
    const record = sessionGrant(this.session, this.registry);
    return record?.grantKey === this.grantKey ? record.tokens : undefined;
  }

  async compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const record = sessionGrant(this.session, this.registry);
    if (!record || record.grantKey !== this.grantKey) return false;
    const current = record.current();
    if (current.tokens?.refreshToken !== expectedRefreshToken) return false;
    const data: GrantRecordData = { grantKey: this.grantKey, rev: current.rev + 1, tokens: next };
    this.registry.record(data);
    this.session.pitchly = new SessionGrantRecord(data, this.registry);
    this.wrote = true;
    return true;
  }

  async persist(): Promise<void> {
    // Only the request that rotated writes; the ones that waited on it leave the session alone.
    if (this.wrote) await saveSession(this.session);
  }

  async forget(): Promise<void> {
    const record = sessionGrant(this.session, this.registry);
    if (record?.grantKey === this.grantKey) delete this.session.pitchly;
  }
}

/** A store failure is an outage, never a reason to log anyone out. */
function storeDown(err: unknown): PitchlyAuthError {
  return new PitchlyAuthError("pitchly_unavailable", "the token store did not answer", { cause: err, retryAfter: 5 });
}

export class StoreBackend implements GrantBackend {
  constructor(private readonly store: TokenStore, private readonly grantKey: string) {}

  read(): Promise<TokenSet | undefined> {
    return this.store.get(this.grantKey).catch((err: unknown) => Promise.reject(storeDown(err)));
  }

  compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    return this.store
      .compareAndSet(this.grantKey, expectedRefreshToken, next)
      .catch((err: unknown) => Promise.reject(storeDown(err)));
  }

  async forget(): Promise<void> {
    // Kept: background jobs may hold this grantKey; a dead refresh token costs one refused call.
  }

  async persist(): Promise<void> {
    // compareAndSet already wrote to the store.
  }
}
