// The GrantBackend contract (where one grant's pair is read and swapped) and its TokenStore implementation.
import { orUnavailable } from "../pitchly/unavailable";
import type { TokenSet } from "../pitchly/token-set";
import type { TokenStore } from "../stores/token-store";

/** Read the grant's current pair, or replace it only if it is still the one read. */
export interface GrantBackend {
  read(): Promise<TokenSet | undefined>;
  compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean>;
  /** Forget a pair Pitchly has declared dead (session mode only: a store's row may be relinked by the app). */
  forget(): Promise<void>;
  /** Make a rotation this backend wrote durable before the caller goes on. */
  persist(): Promise<void>;
}

/** A store failure is an outage, never a reason to log anyone out. */
export class StoreBackend implements GrantBackend {
  constructor(
    private readonly store: TokenStore,
    private readonly grantKey: string,
  ) {}

  read(): Promise<TokenSet | undefined> {
    return orUnavailable(this.store.get(this.grantKey), "the token store");
  }

  compareAndSet(expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    return orUnavailable(this.store.compareAndSet(this.grantKey, expectedRefreshToken, next), "the token store");
  }

  async forget(): Promise<void> {
    // Pitchly refused it after the coordinator re-read the store (no newer pair): it is dead for every
    // process and job alike, and keeping it would cost one refused token call per request, forever.
    await orUnavailable(this.store.delete(this.grantKey), "the token store");
  }

  async persist(): Promise<void> {
    // compareAndSet already wrote to the store.
  }
}
