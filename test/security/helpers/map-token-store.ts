// A TokenStore kept in a Map, so tests can see exactly what a login or logout left behind server-side.
import type { TokenSet, TokenStore } from "express-pitchly";

export class MemoryTokenStoreForTests implements TokenStore {
  readonly rows = new Map<string, TokenSet>();

  async get(key: string): Promise<TokenSet | undefined> {
    return this.rows.get(key);
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    this.rows.set(key, tokens);
  }

  async delete(key: string): Promise<void> {
    this.rows.delete(key);
  }

  async compareAndSet(key: string, expected: string | undefined, next: TokenSet): Promise<boolean> {
    if (this.rows.get(key)?.refreshToken !== expected) return false;
    this.rows.set(key, next);
    return true;
  }
}
