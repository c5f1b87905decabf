// express-pitchly/testing's store contract: it holds MemoryTokenStore under jest, runs standalone, and fails a broken store.
import {
  ContractFailedError,
  refreshLockContract,
  tokenStoreContract,
  type ContractRunner,
  type ContractSummary,
} from "express-pitchly/testing";
import { MemoryTokenStore } from "../../src/stores/memory-token-store";
import type { TokenSet } from "../../src/pitchly/token-set";

// Registered on jest's globals (no runner passed), with a bare store as the factory's result.
tokenStoreContract("MemoryTokenStore via express-pitchly/testing", () => new MemoryTokenStore());

/** compareAndSet ignores the expected refresh token: always writes, always "wins". */
class AlwaysWritesStore extends MemoryTokenStore {
  override async compareAndSet(grantKey: string, _expected: string | undefined, next: TokenSet): Promise<boolean> {
    await this.set(grantKey, next);
    return true;
  }
}

const CAS_CASES = [
  "compareAndSet with a stale refresh token resolves false and leaves the grant untouched",
  "compareAndSet expecting a refresh token on a grant without one resolves false",
  "compareAndSet expecting a missing grant: false when it exists, true when it does not",
  "20 parallel compareAndSet calls from the same expected value: exactly one wins",
  "20 parallel creations of one new grant: exactly one wins",
];

describe("tokenStoreContract standalone", () => {
  test("a correct store passes every case and resolves the summary", async () => {
    const cleanups: string[] = [];
    const contract = tokenStoreContract(
      "MemoryTokenStore",
      () => ({ store: new MemoryTokenStore(), cleanup: () => void cleanups.push("done") }),
      "standalone",
    );
    const summary = await contract.run();
    expect(summary).toMatchObject({ suite: "MemoryTokenStore (TokenStore contract)", passed: 12, failed: 0 });
    expect(summary.results.map((r) => r.name)).toEqual(contract.cases);
    expect(cleanups).toHaveLength(12);
  });

  test("a store whose compareAndSet always writes fails the contract, on exactly the compareAndSet cases", async () => {
    const error = await tokenStoreContract("AlwaysWritesStore", () => new AlwaysWritesStore(), "standalone")
      .run()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ContractFailedError);
    const summary = (error as ContractFailedError).summary;
    expect(summary.results.filter((r) => !r.passed).map((r) => r.name)).toEqual(CAS_CASES);
    expect(summary).toMatchObject({ passed: 7, failed: 5 });
    expect((error as Error).message).toContain("AlwaysWritesStore (TokenStore contract): 5 of 12 cases failed");
    expect((error as Error).message).toContain("✗ 20 parallel creations of one new grant: exactly one wins");
  });

  test("without runner globals it registers nothing and still runs", async () => {
    const g = globalThis as Record<string, unknown>;
    const saved = { describe: g.describe, test: g.test, it: g.it };
    let contract;
    try {
      delete g.describe;
      delete g.test;
      delete g.it;
      contract = tokenStoreContract("no globals", () => new MemoryTokenStore());
    } finally {
      Object.assign(g, saved);
    }
    await expect(contract.run()).resolves.toMatchObject({ passed: 12, failed: 0 });
  });

  test("registers one describe and one test per case on a given runner, and those tests fail a broken store", async () => {
    const suites: string[] = [];
    const tests: Array<[string, () => Promise<void>]> = [];
    const runner: ContractRunner = {
      describe: (name, body) => {
        suites.push(name);
        body();
      },
      test: (name, fn) => void tests.push([name, fn]),
    };
    const contract = tokenStoreContract("AlwaysWritesStore", () => new AlwaysWritesStore(), runner);
    expect(suites).toEqual(["AlwaysWritesStore (TokenStore contract)"]);
    expect(tests.map(([name]) => name)).toEqual(contract.cases);

    const failed: string[] = [];
    for (const [name, fn] of tests) await fn().catch(() => failed.push(name));
    expect(failed).toEqual(CAS_CASES);
  });

  test("refreshLockContract fails a lock that hands out every key twice", async () => {
    const lock = { acquire: async (key: string) => ({ key, token: "t" }), release: async () => {} };
    const summary = await refreshLockContract("GenerousLock", () => lock, "standalone")
      .run()
      .catch((e: ContractFailedError): ContractSummary => e.summary);
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.results.find((r) => r.name === "parallel acquires: exactly one handle")?.passed).toBe(false);
  });
});
