// The shared store contracts, now public in express-pitchly/testing; these wrappers register them on jest's globals.
import { lockingStoreContract, refreshLockContract, tokenStoreContract } from "express-pitchly/testing";
import type { RefreshLock, TokenStore } from "../../src/stores/token-store";
import { full } from "../../src/testing/token-store-contract";

type Factory<S, K extends string> = () => Promise<{ [key in K]: S } & { cleanup: () => Promise<void> }>;

const jestRunner = { describe, test };

export function describeTokenStoreContract(name: string, makeStore: Factory<TokenStore, "store">): void {
  tokenStoreContract(name, makeStore, jestRunner);
}

export function describeRefreshLockContract(name: string, makeLock: Factory<RefreshLock, "lock">): void {
  refreshLockContract(name, makeLock, jestRunner);
}

/** Stores that are their own RefreshLock (SQLite, Postgres): a lease and a grant may share one key. */
export function describeLockingStoreContract(name: string, makeStore: Factory<TokenStore & RefreshLock, "store">): void {
  lockingStoreContract(name, makeStore, jestRunner);
}

/** Rows a SQL store must refuse to hand out: [label, tokens JSON, refresh_token column, expected message] (grant at-1/rt-1). */
export const CORRUPT_ROWS: Array<[string, string, string, RegExp]> = [
  ["not JSON", "{not json", "rt-1", /corrupt \(not valid JSON\)/],
  [
    "a field missing",
    JSON.stringify({ accessToken: "at", refreshToken: "rt-1", tokenType: "bearer" }),
    "rt-1",
    /corrupt \(expiresAt: /,
  ],
  ["a column disagreeing with the JSON", JSON.stringify(full), "rt-other", /corrupt \(refresh_token column/],
];
