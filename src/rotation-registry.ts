// Remembers this process's newest rotation per grant, so a stale session save cannot roll tokens back.
import type { GrantRecordData } from "./session-access";

const MAX_ENTRIES = 10_000;
const KEEP_MS = 10 * 60 * 1000;

interface Entry {
  record: GrantRecordData;
  at: number;
}

/**
 * express-session saves a request's whole session when the request changed it. A request that loaded
 * the session before a concurrent refresh would write the old (now dead) refresh token back. This
 * registry knows each grant's newest rev in this process; reads reconcile to it, and the session's
 * save is guarded (see `sessionGrant`) so that any save writes it.
 */
export class RotationRegistry {
  private readonly entries = new Map<string, Entry>();

  record(record: GrantRecordData): void {
    const current = this.entries.get(record.grantKey);
    if (current && current.record.rev >= record.rev) return;
    this.entries.delete(record.grantKey);
    this.entries.set(record.grantKey, { record, at: Date.now() });
    if (this.entries.size > MAX_ENTRIES) this.prune();
  }

  newest(grantKey: string, rev: number): GrantRecordData | undefined {
    const entry = this.entries.get(grantKey);
    return entry && entry.record.rev > rev ? entry.record : undefined;
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [key, entry] of this.entries) {
      if (entry.at < cutoff || this.entries.size > MAX_ENTRIES) this.entries.delete(key);
      else break;
    }
  }
}

/**
 * The session's grant field. Reads see the newest rev this process knows; it serialises exactly as it
 * was loaded, so a request that changed nothing leaves the session unwritten (one write per refresh,
 * not one per waiting request).
 */
export class SessionGrantRecord implements GrantRecordData {
  constructor(private readonly data: GrantRecordData, private readonly registry: RotationRegistry) {}

  get grantKey(): string {
    return this.data.grantKey;
  }

  get rev(): number {
    return this.current().rev;
  }

  get tokens(): GrantRecordData["tokens"] {
    return this.current().tokens;
  }

  current(): GrantRecordData {
    return this.newer() ?? this.data;
  }

  /** The newest record, when this one is stale. */
  newer(): GrantRecordData | undefined {
    return this.registry.newest(this.data.grantKey, this.data.rev);
  }

  toJSON(): GrantRecordData {
    return this.data;
  }
}
