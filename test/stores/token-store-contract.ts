// The one behaviour every TokenStore and RefreshLock adapter must show; each adapter's test file runs it.
import type { LockHandle, RefreshLock, TokenStore } from "../../src/stores/token-store";
import type { TokenSet } from "../../src/pitchly/token-set";

const full: TokenSet = {
  accessToken: "at-1",
  refreshToken: "rt-1",
  expiresAt: 1_900_000_000_000,
  tokenType: "bearer",
  scope: "read write",
};
const minimal: TokenSet = { accessToken: "at-min", expiresAt: 1_800_000_000_000, tokenType: "bearer" };
const rotated = (n: number): TokenSet => ({
  accessToken: `at-${n}`,
  refreshToken: `rt-${n}`,
  expiresAt: 1_900_000_000_000 + n,
  tokenType: "bearer",
});

let counter = 0;
const freshKey = (label: string): string => `${label}-${process.pid}-${Date.now()}-${++counter}`;

export function describeTokenStoreContract(
  name: string,
  makeStore: () => Promise<{ store: TokenStore; cleanup: () => Promise<void> }>,
): void {
  describe(`${name} (TokenStore contract)`, () => {
    let store: TokenStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => ({ store, cleanup } = await makeStore()));
    afterEach(async () => cleanup());

    test("get on a missing grant resolves undefined", async () => {
      await expect(store.get(freshKey("missing"))).resolves.toBeUndefined();
    });

    test("set then get round-trips every field, and absent optional fields stay absent", async () => {
      const a = freshKey("full");
      const b = freshKey("minimal");
      await store.set(a, full);
      await store.set(b, minimal);
      await expect(store.get(a)).resolves.toStrictEqual(full);
      const got = await store.get(b);
      expect(got).toStrictEqual(minimal);
      expect(Object.keys(got ?? {}).sort()).toEqual(["accessToken", "expiresAt", "tokenType"]);
    });

    test("returned and stored objects are copies", async () => {
      const key = freshKey("copy");
      const mine = { ...full };
      await store.set(key, mine);
      mine.accessToken = "changed-after-set";
      const first = await store.get(key);
      expect(first?.accessToken).toBe("at-1");
      if (first) first.refreshToken = "changed-after-get";
      await expect(store.get(key)).resolves.toStrictEqual(full);
    });

    test("compareAndSet with the current refresh token writes and resolves true", async () => {
      const key = freshKey("cas");
      await store.set(key, full);
      await expect(store.compareAndSet(key, "rt-1", rotated(2))).resolves.toBe(true);
      await expect(store.get(key)).resolves.toStrictEqual(rotated(2));
    });

    test("compareAndSet with a stale refresh token resolves false and leaves the grant untouched", async () => {
      const key = freshKey("stale");
      await store.set(key, rotated(2));
      await expect(store.compareAndSet(key, "rt-1", rotated(3))).resolves.toBe(false);
      await expect(store.get(key)).resolves.toStrictEqual(rotated(2));
    });

    test("compareAndSet expecting a refresh token on a grant without one resolves false", async () => {
      const key = freshKey("no-rt");
      await store.set(key, minimal);
      await expect(store.compareAndSet(key, "rt-1", rotated(2))).resolves.toBe(false);
      await expect(store.get(key)).resolves.toStrictEqual(minimal);
    });

    test("compareAndSet expecting a missing grant: false when it exists, true when it does not", async () => {
      const existing = freshKey("exists");
      await store.set(existing, full);
      await expect(store.compareAndSet(existing, undefined, rotated(2))).resolves.toBe(false);
      await expect(store.get(existing)).resolves.toStrictEqual(full);

      const missing = freshKey("absent");
      await expect(store.compareAndSet(missing, "rt-1", rotated(2))).resolves.toBe(false);
      await expect(store.get(missing)).resolves.toBeUndefined();
      await expect(store.compareAndSet(missing, undefined, rotated(2))).resolves.toBe(true);
      await expect(store.get(missing)).resolves.toStrictEqual(rotated(2));
    });

    test("20 parallel compareAndSet calls from the same expected value: exactly one wins", async () => {
      const key = freshKey("race");
      await store.set(key, full);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet(key, "rt-1", rotated(100 + i))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      await expect(store.get(key)).resolves.toStrictEqual(rotated(100 + winner));
    });

    test("20 parallel creations of one new grant: exactly one wins", async () => {
      const key = freshKey("race-new");
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet(key, undefined, rotated(i))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test("delete forgets the grant, and deleting a missing grant is fine", async () => {
      const key = freshKey("delete");
      await store.set(key, full);
      await store.delete(key);
      await expect(store.get(key)).resolves.toBeUndefined();
      await expect(store.delete(key)).resolves.toBeUndefined();
      await expect(store.compareAndSet(key, undefined, minimal)).resolves.toBe(true);
    });

    test("grant keys are isolated from each other", async () => {
      const a = freshKey("iso-a");
      const b = freshKey("iso-b");
      await store.set(a, full);
      await store.set(b, minimal);
      await store.compareAndSet(a, "rt-1", rotated(5));
      await store.delete(b);
      await expect(store.get(a)).resolves.toStrictEqual(rotated(5));
      await expect(store.get(b)).resolves.toBeUndefined();
    });

    test("an invalid token set is rejected on write, not stored", async () => {
      const key = freshKey("invalid");
      const bad = { accessToken: "", expiresAt: Number.NaN, tokenType: "bearer" } as TokenSet;
      await expect(store.set(key, bad)).rejects.toThrow(/invalid token set/);
      await expect(store.compareAndSet(key, undefined, bad)).rejects.toThrow(/invalid token set/);
      await expect(store.get(key)).resolves.toBeUndefined();
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeRefreshLockContract(
  name: string,
  makeLock: () => Promise<{ lock: RefreshLock; cleanup: () => Promise<void> }>,
): void {
  describe(`${name} (RefreshLock contract)`, () => {
    let lock: RefreshLock;
    let cleanup: () => Promise<void>;
    beforeEach(async () => ({ lock, cleanup } = await makeLock()));
    afterEach(async () => cleanup());

    test("a held lock cannot be acquired again", async () => {
      const key = freshKey("lock");
      const handle = await lock.acquire(key, 10_000);
      expect(handle).toEqual({ key, token: expect.any(String) });
      await expect(lock.acquire(key, 10_000)).resolves.toBeUndefined();
    });

    test("release makes it acquirable again", async () => {
      const key = freshKey("lock-release");
      const handle = (await lock.acquire(key, 10_000)) as LockHandle;
      await lock.release(handle);
      await expect(lock.acquire(key, 10_000)).resolves.toBeDefined();
    });

    test("releasing with a wrong or old handle does not free someone else's lock", async () => {
      const key = freshKey("lock-old");
      const old = (await lock.acquire(key, 100)) as LockHandle;
      await sleep(200);
      const current = (await lock.acquire(key, 10_000)) as LockHandle;
      expect(current).toBeDefined();
      expect(current.token).not.toBe(old.token);
      await lock.release(old);
      await lock.release({ key, token: "not-the-token" });
      await expect(lock.acquire(key, 10_000)).resolves.toBeUndefined();
      await lock.release(current);
      await expect(lock.acquire(key, 10_000)).resolves.toBeDefined();
    });

    test("a lock expires after its ttl", async () => {
      const key = freshKey("lock-ttl");
      await expect(lock.acquire(key, 100)).resolves.toBeDefined();
      await expect(lock.acquire(key, 100)).resolves.toBeUndefined();
      await sleep(200);
      await expect(lock.acquire(key, 100)).resolves.toBeDefined();
    });

    test("locks on different keys are independent", async () => {
      const a = freshKey("lock-a");
      const b = freshKey("lock-b");
      await expect(lock.acquire(a, 10_000)).resolves.toBeDefined();
      await expect(lock.acquire(b, 10_000)).resolves.toBeDefined();
    });

    test("parallel acquires: exactly one handle", async () => {
      const key = freshKey("lock-race");
      const handles = await Promise.all(Array.from({ length: 20 }, () => lock.acquire(key, 10_000)));
      expect(handles.filter((h) => h !== undefined)).toHaveLength(1);
    });
  });
}

/** Stores that are their own RefreshLock (SQLite, Postgres): a lease and a grant may share one key. */
export function describeLockingStoreContract(
  name: string,
  makeStore: () => Promise<{ store: TokenStore & RefreshLock; cleanup: () => Promise<void> }>,
): void {
  describe(`${name} (store and lock on one key)`, () => {
    test("a lease on the grant's own key leaves its tokens alone, and delete leaves the lease alone", async () => {
      const { store, cleanup } = await makeStore();
      const key = freshKey("own-key");
      await store.set(key, full);
      const handle = await store.acquire(key, 10_000);
      await expect(store.compareAndSet(key, "rt-1", rotated(2))).resolves.toBe(true);
      await expect(store.get(key)).resolves.toStrictEqual(rotated(2));
      await store.delete(key);
      await expect(store.get(key)).resolves.toBeUndefined();
      await expect(store.acquire(key, 10_000)).resolves.toBeUndefined();
      await expect(store.compareAndSet(key, undefined, rotated(3))).resolves.toBe(true);
      await store.release(handle!);
      await expect(store.get(key)).resolves.toStrictEqual(rotated(3));
      await expect(store.acquire(key, 10_000)).resolves.toBeDefined();
      await cleanup();
    });
  });
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
