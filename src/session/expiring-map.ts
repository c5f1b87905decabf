// A bounded map whose entries expire: what every "remember this for a while" list in this process uses.

/**
 * Entries are kept in insertion order with one deadline each, so pruning stops at the first live
 * entry; past `max` entries the oldest go first, whatever their deadline (memory stays bounded).
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  // Every session write and protected request asks these maps about keys they almost never hold: the clock
  // (≈ 80 ns a read on this bench machine) is read only for an entry that is there.
  get(key: K, now?: number): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > (now ?? Date.now()) ? entry.value : undefined;
  }

  has(key: K, now?: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /** (Re)inserts at the end: the newest entry is the last to be pruned. */
  set(key: K, value: V, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: now + this.ttlMs });
    this.prune(now);
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.until > now && this.entries.size <= this.max) break;
      this.entries.delete(key);
    }
  }
}
