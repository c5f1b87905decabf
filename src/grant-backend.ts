// Where one grant's tokens live for this call: the request's session, or the configured TokenStore.
import { PitchlyAuthError } from "./errors";
import { RotationRegistry, SessionGrantRecord } from "./rotation-registry";
import type { GrantRecordData, SessionWithPitchly } from "./session-access";
import type { TokenStore } from "./stores/token-store";
import type { TokenSet } from "./token-set";

/** Read the grant's current pair, or replace it only if it is still the one read. */
export interface GrantBackend {
  read(): Promise<TokenSet | undefined>;
  compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean>;
  /** Forget a pair Pitchly has declared dead (session mode only: a store's row may be relinked by the app). */
  forget(): Promise<void>;
}

/** Returns the session's grant record, wrapped so a later save writes the newest rev. */
export function sessionGrant(session: SessionWithPitchly, registry: RotationRegistry): SessionGrantRecord | undefined {
  const field = session.pitchly;
  if (field instanceof SessionGrantRecord) return field;
  if (typeof field !== "object" || field === null || typeof field.grantKey !== "string") return undefined;
  const record = new SessionGrantRecord({ grantKey: field.grantKey, rev: Number(field.rev) || 0, tokens: field.tokens }, registry);
  session.pitchly = record;
  return record;
}

export class SessionBackend implements GrantBackend {
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
    return true;
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
}
