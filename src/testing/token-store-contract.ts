// The behaviour every TokenStore must show, as a framework-neutral suite (node:assert, any describe/test runner).
import assert from "node:assert/strict";
import type { TokenSet } from "../pitchly/token-set";
import type { TokenStore } from "../stores/token-store";
import {
  defineContract,
  freshKey,
  type ContractCase,
  type ContractFactory,
  type RunnerOption,
  type StoreContract,
} from "./contract-runner";

export const full: TokenSet = {
  accessToken: "at-1",
  refreshToken: "rt-1",
  expiresAt: 1_900_000_000_000,
  tokenType: "bearer",
  scope: "read write",
};
export const minimal: TokenSet = { accessToken: "at-min", expiresAt: 1_800_000_000_000, tokenType: "bearer" };
export const rotated = (n: number): TokenSet => ({
  accessToken: `at-${n}`,
  refreshToken: `rt-${n}`,
  expiresAt: 1_900_000_000_000 + n,
  tokenType: "bearer",
});

const cases: Array<ContractCase<TokenStore>> = [
  [
    "get on a missing grant resolves undefined",
    async (store) => {
      assert.equal(await store.get(freshKey("missing")), undefined);
    },
  ],
  [
    "set then get round-trips every field, and absent optional fields stay absent",
    async (store) => {
      const a = freshKey("full");
      const b = freshKey("minimal");
      await store.set(a, full);
      await store.set(b, minimal);
      assert.deepStrictEqual(await store.get(a), full);
      const got = await store.get(b);
      assert.deepStrictEqual(got, minimal);
      assert.deepStrictEqual(Object.keys(got ?? {}).sort(), ["accessToken", "expiresAt", "tokenType"]);
    },
  ],
  [
    "returned and stored objects are copies",
    async (store) => {
      const key = freshKey("copy");
      const mine = { ...full };
      await store.set(key, mine);
      mine.accessToken = "changed-after-set";
      const first = await store.get(key);
      assert.equal(first?.accessToken, "at-1");
      if (first) first.refreshToken = "changed-after-get";
      assert.deepStrictEqual(await store.get(key), full);
    },
  ],
  [
    "compareAndSet with the current refresh token writes and resolves true",
    async (store) => {
      const key = freshKey("cas");
      await store.set(key, full);
      assert.equal(await store.compareAndSet(key, "rt-1", rotated(2)), true);
      assert.deepStrictEqual(await store.get(key), rotated(2));
    },
  ],
  [
    "compareAndSet with a stale refresh token resolves false and leaves the grant untouched",
    async (store) => {
      const key = freshKey("stale");
      await store.set(key, rotated(2));
      assert.equal(await store.compareAndSet(key, "rt-1", rotated(3)), false);
      assert.deepStrictEqual(await store.get(key), rotated(2));
    },
  ],
  [
    "compareAndSet expecting a refresh token on a grant without one resolves false",
    async (store) => {
      const key = freshKey("no-rt");
      await store.set(key, minimal);
      assert.equal(await store.compareAndSet(key, "rt-1", rotated(2)), false);
      assert.deepStrictEqual(await store.get(key), minimal);
    },
  ],
  [
    "compareAndSet expecting a missing grant: false when it exists, true when it does not",
    async (store) => {
      const existing = freshKey("exists");
      await store.set(existing, full);
      assert.equal(await store.compareAndSet(existing, undefined, rotated(2)), false);
      assert.deepStrictEqual(await store.get(existing), full);

      const missing = freshKey("absent");
      assert.equal(await store.compareAndSet(missing, "rt-1", rotated(2)), false);
      assert.equal(await store.get(missing), undefined);
      assert.equal(await store.compareAndSet(missing, undefined, rotated(2)), true);
      assert.deepStrictEqual(await store.get(missing), rotated(2));
    },
  ],
  [
    "20 parallel compareAndSet calls from the same expected value: exactly one wins",
    async (store) => {
      const key = freshKey("race");
      await store.set(key, full);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet(key, "rt-1", rotated(100 + i))));
      assert.equal(results.filter(Boolean).length, 1, `expected exactly one winner, got ${results.filter(Boolean).length}`);
      const winner = results.indexOf(true);
      assert.deepStrictEqual(await store.get(key), rotated(100 + winner));
    },
  ],
  [
    "20 parallel creations of one new grant: exactly one wins",
    async (store) => {
      const key = freshKey("race-new");
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet(key, undefined, rotated(i))));
      assert.equal(results.filter(Boolean).length, 1, `expected exactly one winner, got ${results.filter(Boolean).length}`);
    },
  ],
  [
    "delete forgets the grant, and deleting a missing grant is fine",
    async (store) => {
      const key = freshKey("delete");
      await store.set(key, full);
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
      assert.equal(await store.delete(key), undefined);
      assert.equal(await store.compareAndSet(key, undefined, minimal), true);
    },
  ],
  [
    "grant keys are isolated from each other",
    async (store) => {
      const a = freshKey("iso-a");
      const b = freshKey("iso-b");
      await store.set(a, full);
      await store.set(b, minimal);
      await store.compareAndSet(a, "rt-1", rotated(5));
      await store.delete(b);
      assert.deepStrictEqual(await store.get(a), rotated(5));
      assert.equal(await store.get(b), undefined);
    },
  ],
  [
    "an invalid token set is rejected on write, not stored",
    async (store) => {
      const key = freshKey("invalid");
      const bad = { accessToken: "", expiresAt: Number.NaN, tokenType: "bearer" } as TokenSet;
      await assert.rejects(store.set(key, bad), /invalid token set/);
      await assert.rejects(store.compareAndSet(key, undefined, bad), /invalid token set/);
      assert.equal(await store.get(key), undefined);
    },
  ],
];

/**
 * The `TokenStore` contract every store in this package passes, for yours (Mongo, DynamoDB…): round-trips,
 * copies, an atomic `compareAndSet` under 20 parallel writers, `delete`, key isolation, and refusing an invalid
 * token set (the message must match `/invalid token set/`).
 *
 * Each case calls `makeStore` once and, when it returned `{ store, cleanup }`, runs `cleanup` after the case.
 *
 * @param name - Names the suite: `"<name> (TokenStore contract)"`.
 * @param makeStore - A fresh store, or `{ store, cleanup }`; sync or async.
 * @param runner - Where to register the cases. Omitted: the `describe`/`test` (or `it`) globals of jest, vitest
 *   (`globals: true`) or mocha, when they exist. A `{ describe, test }` object (vitest's imports, `node:test`):
 *   that. `"standalone"`: nowhere. Registration happens during this call, so call it where `describe` may be.
 * @returns The suite. `await suite.run()` runs every case in order outside any framework and resolves a
 *   summary, or rejects with a `ContractFailedError` listing the failed cases (use it from a script, or inside
 *   one test with `runner: "standalone"`).
 *
 * @example
 * ```ts
 * import { tokenStoreContract } from "express-pitchly/testing";
 * tokenStoreContract("MongoTokenStore", async () => {
 *   const store = await MongoTokenStore.connect(process.env.MONGO_URL!);
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 */
export function tokenStoreContract(name: string, makeStore: ContractFactory<TokenStore>, runner?: RunnerOption): StoreContract {
  return defineContract(`${name} (TokenStore contract)`, makeStore, { field: "store", method: "compareAndSet" }, cases, runner);
}
