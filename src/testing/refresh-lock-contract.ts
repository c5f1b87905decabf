// The behaviour every RefreshLock must show, and that of a store that is its own lock, framework-neutral like the store's.
import assert from "node:assert/strict";
import type { LockHandle, RefreshLock, TokenStore } from "../stores/token-store";
import {
  defineContract,
  freshKey,
  sleep,
  type ContractCase,
  type ContractFactory,
  type RunnerOption,
  type StoreContract,
} from "./contract-runner";
import { full, rotated } from "./token-store-contract";

/** Defined own properties, sorted: what jest's `toEqual` compares on a plain object. */
const definedKeys = (value: object) =>
  Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .sort();

const lockCases: Array<ContractCase<RefreshLock>> = [
  [
    "a held lock cannot be acquired again",
    async (lock) => {
      const key = freshKey("lock");
      const handle = await lock.acquire(key, 10_000);
      assert.ok(handle, "acquire on a free key resolved no handle");
      assert.deepStrictEqual(definedKeys(handle), ["key", "token"]);
      assert.equal(handle.key, key);
      assert.equal(typeof handle.token, "string");
      assert.equal(await lock.acquire(key, 10_000), undefined);
    },
  ],
  [
    "release makes it acquirable again",
    async (lock) => {
      const key = freshKey("lock-release");
      const handle = (await lock.acquire(key, 10_000)) as LockHandle;
      await lock.release(handle);
      assert.notEqual(await lock.acquire(key, 10_000), undefined);
    },
  ],
  [
    "releasing with a wrong or old handle does not free someone else's lock",
    async (lock) => {
      const key = freshKey("lock-old");
      const old = (await lock.acquire(key, 100)) as LockHandle;
      await sleep(200);
      const current = (await lock.acquire(key, 10_000)) as LockHandle;
      assert.notEqual(current, undefined);
      assert.notEqual(current.token, old.token);
      await lock.release(old);
      await lock.release({ key, token: "not-the-token" });
      assert.equal(await lock.acquire(key, 10_000), undefined);
      await lock.release(current);
      assert.notEqual(await lock.acquire(key, 10_000), undefined);
    },
  ],
  [
    "a lock expires after its ttl",
    async (lock) => {
      const key = freshKey("lock-ttl");
      assert.notEqual(await lock.acquire(key, 100), undefined);
      assert.equal(await lock.acquire(key, 100), undefined);
      await sleep(200);
      assert.notEqual(await lock.acquire(key, 100), undefined);
    },
  ],
  [
    "locks on different keys are independent",
    async (lock) => {
      assert.notEqual(await lock.acquire(freshKey("lock-a"), 10_000), undefined);
      assert.notEqual(await lock.acquire(freshKey("lock-b"), 10_000), undefined);
    },
  ],
  [
    "parallel acquires: exactly one handle",
    async (lock) => {
      const key = freshKey("lock-race");
      const handles = await Promise.all(Array.from({ length: 20 }, () => lock.acquire(key, 10_000)));
      assert.equal(handles.filter((h) => h !== undefined).length, 1);
    },
  ],
];

/**
 * The `RefreshLock` contract: a held key cannot be taken again, `release` frees it, an old or wrong handle frees
 * nothing, a lock lapses after its ttl (the cases wait 200 ms on a 100 ms ttl), keys are independent, and 20
 * parallel `acquire`s yield one handle. Arguments, registration and `run()` as in `tokenStoreContract`;
 * `makeLock` returns the lock or `{ lock, cleanup }`. The suite is `"<name> (RefreshLock contract)"`.
 */
export function refreshLockContract(
  name: string,
  makeLock: ContractFactory<RefreshLock, "lock">,
  runner?: RunnerOption,
): StoreContract {
  return defineContract(`${name} (RefreshLock contract)`, makeLock, { field: "lock", method: "acquire" }, lockCases, runner);
}

const lockingCases: Array<ContractCase<TokenStore & RefreshLock>> = [
  [
    "a lease on the grant's own key leaves its tokens alone, and delete leaves the lease alone",
    async (store) => {
      const key = freshKey("own-key");
      await store.set(key, full);
      const handle = await store.acquire(key, 10_000);
      assert.equal(await store.compareAndSet(key, "rt-1", rotated(2)), true);
      assert.deepStrictEqual(await store.get(key), rotated(2));
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
      assert.equal(await store.acquire(key, 10_000), undefined);
      assert.equal(await store.compareAndSet(key, undefined, rotated(3)), true);
      assert.ok(handle, "acquire on a free key resolved no handle");
      await store.release(handle);
      assert.deepStrictEqual(await store.get(key), rotated(3));
      assert.notEqual(await store.acquire(key, 10_000), undefined);
    },
  ],
];

/**
 * For a store that is also its own `RefreshLock` (as the SQLite and Postgres stores are): a lease and a grant
 * may share one key without touching each other. Arguments as in `tokenStoreContract`; the suite is
 * `"<name> (store and lock on one key)"`. Run it beside `tokenStoreContract` and `refreshLockContract`.
 */
export function lockingStoreContract(
  name: string,
  makeStore: ContractFactory<TokenStore & RefreshLock>,
  runner?: RunnerOption,
): StoreContract {
  return defineContract(
    `${name} (store and lock on one key)`,
    makeStore,
    { field: "store", method: "acquire" },
    lockingCases,
    runner,
  );
}
