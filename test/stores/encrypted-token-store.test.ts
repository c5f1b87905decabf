// EncryptedTokenStore on Memory and SQLite: the shared contracts, tampering, grant binding, key checks, rotation, 503.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PitchlyTokenStoreError } from "../../src/errors";
import { EncryptedTokenStore, SEALED_TOKEN_TYPE } from "../../src/stores/encrypted-token-store";
import { MemoryTokenStore } from "../../src/stores/memory-token-store";
import { SqliteTokenStore } from "../../src/stores/sqlite-token-store";
import { isRefreshLock, type TokenStore } from "../../src/stores/token-store";
import type { TokenSet } from "../../src/pitchly/token-set";
import { rotated } from "../../src/testing/token-store-contract";
import { configIssues } from "./config-issues";
import { KEY_A, KEY_B, leaked, loginAndRefresh } from "./encryption-fixtures";
import { describeRefreshLockContract, describeTokenStoreContract } from "./token-store-contract";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pitchly-enc-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describeTokenStoreContract("EncryptedTokenStore(MemoryTokenStore)", async () => ({
  store: new EncryptedTokenStore(new MemoryTokenStore(), { keys: [KEY_A] }),
  cleanup: async () => {},
}));
describeTokenStoreContract("EncryptedTokenStore(MemoryTokenStore), two keys, records by the second", async () => {
  const inner = new MemoryTokenStore();
  const older = new EncryptedTokenStore(inner, { keys: [KEY_B] });
  const rotated = new EncryptedTokenStore(inner, { keys: [KEY_A, KEY_B] });
  // Writes through the old key, reads and compares through the rotated store: the mix right after a rotation.
  const store: TokenStore = {
    get: (k) => rotated.get(k),
    set: (k, t) => older.set(k, t),
    compareAndSet: (k, e, n) => rotated.compareAndSet(k, e, n),
    delete: (k) => rotated.delete(k),
  };
  return { store, cleanup: async () => {} };
});
async function onSqlite() {
  const sqlite = new SqliteTokenStore({ filename: join(tempDir(), "tokens.db") });
  const store = new EncryptedTokenStore(sqlite, { keys: [KEY_A, KEY_B] });
  if (!isRefreshLock(store)) throw new Error("expected the SQLite lock to pass through");
  return { store, lock: store, cleanup: async () => sqlite.close() };
}
describeTokenStoreContract("EncryptedTokenStore(SqliteTokenStore)", onSqlite);
describeRefreshLockContract("EncryptedTokenStore(SqliteTokenStore) as its lock", onSqlite);

const tokens = (n: number): TokenSet => ({ ...rotated(n), scope: "read" });

/** The record with one ciphertext byte changed, as a disk error or an attacker would. */
function flipped(record: TokenSet, position = 0): TokenSet {
  const [v, id, iv, data] = record.accessToken.split(".") as [string, string, string, string];
  const bytes = Buffer.from(data, "base64url");
  const at = (position + bytes.length) % bytes.length;
  bytes[at] = (bytes[at] as number) ^ 1;
  return { ...record, accessToken: [v, id, iv, bytes.toString("base64url")].join(".") };
}

async function rejection(promise: Promise<unknown>): Promise<PitchlyTokenStoreError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PitchlyTokenStoreError);
  const error = err as PitchlyTokenStoreError;
  expect(error.message).not.toMatch(/at-\d|rt-\d/);
  return error;
}

describe("EncryptedTokenStore records", () => {
  let inner: MemoryTokenStore;
  let store: EncryptedTokenStore;
  beforeEach(() => {
    inner = new MemoryTokenStore();
    store = new EncryptedTokenStore(inner, { keys: [KEY_A] });
  });

  test("the inner store holds no token, only a sealed record with the key id and a MAC to compare on", async () => {
    await store.set("g", tokens(1));
    const record = (await inner.get("g"))!;
    expect(record).toStrictEqual({
      accessToken: expect.stringMatching(/^v1\.2026-01\.[\w-]{16}\.[\w-]+$/),
      refreshToken: expect.stringMatching(/^v1\.2026-01\.[\w-]{43}$/),
      expiresAt: 0,
      tokenType: SEALED_TOKEN_TYPE,
    });
    expect(JSON.stringify(record)).not.toMatch(/at-1|rt-1|read|1900000000001/);
    // A fresh IV per write: the same set sealed twice looks different.
    await store.set("g", tokens(1));
    expect((await inner.get("g"))!.accessToken).not.toBe(record.accessToken);
    expect((await inner.get("g"))!.refreshToken).toBe(record.refreshToken);
  });

  test("any changed byte in the sealed record → record_tampered, and the record stays", async () => {
    await store.set("g", tokens(1));
    const record = (await inner.get("g"))!;
    for (const position of [0, 20, -1]) {
      await inner.set("g", flipped(record, position));
      expect((await rejection(store.get("g"))).code).toBe("record_tampered");
    }
    const [v, id, , data] = record.accessToken.split(".") as [string, string, string, string];
    await inner.set("g", { ...record, accessToken: [v, id, Buffer.alloc(12).toString("base64url"), data].join(".") });
    expect((await rejection(store.get("g"))).code).toBe("record_tampered");
    await expect(inner.get("g")).resolves.toBeDefined();
  });

  test("a record copied to another grant does not decrypt there", async () => {
    await store.set("victim", tokens(1));
    await inner.set("attacker", (await inner.get("victim"))!);
    const error = await rejection(store.get("attacker"));
    expect(error.code).toBe("record_tampered");
    expect(error.message).toMatch(/copied from another grant/);
    await expect(store.get("victim")).resolves.toStrictEqual(tokens(1));
  });

  test("a MAC that is not the refresh token's → record_tampered; so a swapped MAC cannot steer compareAndSet", async () => {
    await store.set("g1", tokens(1));
    await store.set("g2", tokens(2));
    const one = (await inner.get("g1"))!;
    const two = (await inner.get("g2"))!;
    await inner.set("g1", { ...one, refreshToken: two.refreshToken! });
    expect((await rejection(store.get("g1"))).code).toBe("record_tampered");
    const { refreshToken: _dropped, ...withoutMac } = one;
    await inner.set("g1", withoutMac);
    expect((await rejection(store.get("g1"))).code).toBe("record_tampered");
  });

  test("unknown key id, foreign format and clear records are typed errors naming the cause", async () => {
    await store.set("g", tokens(1));
    const record = (await inner.get("g"))!;
    await inner.set("g", { ...record, accessToken: record.accessToken.replace("v1.2026-01.", "v1.1999-01.") });
    const unknown = await rejection(store.get("g"));
    expect(unknown.code).toBe("key_unknown");
    expect(unknown.message).toMatch(/key id "1999-01", which is not in `keys`/);
    for (const accessToken of ["v2.2026-01.a.b", "v1.2026-01.short.x", "garbage", "v1.2026-01.a.b.c"]) {
      await inner.set("g", { ...record, accessToken });
      expect((await rejection(store.get("g"))).code).toBe("record_malformed");
    }
    await inner.set("g", tokens(1));
    const clear = await rejection(store.get("g"));
    expect(clear.code).toBe("record_unsealed");
    expect(clear.message).toMatch(/acceptPlaintext/);
    await expect(store.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(false);
  });

  test("acceptPlaintext reads clear records and seals them at their next write", async () => {
    const migrating = new EncryptedTokenStore(inner, { keys: [KEY_A], acceptPlaintext: true });
    await inner.set("g", tokens(1));
    await expect(migrating.get("g")).resolves.toStrictEqual(tokens(1));
    await expect(migrating.compareAndSet("g", "rt-0", tokens(2))).resolves.toBe(false);
    await expect(migrating.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
    expect((await inner.get("g"))!.tokenType).toBe(SEALED_TOKEN_TYPE);
    await expect(store.get("g")).resolves.toStrictEqual(tokens(2));
  });

  test("rotation: old-key records still read and compare, the next write uses the new key, dropping the old key too early is key_unknown", async () => {
    await store.set("g", tokens(1));
    const rotated = new EncryptedTokenStore(inner, { keys: [KEY_B, KEY_A] });
    await expect(rotated.get("g")).resolves.toStrictEqual(tokens(1));
    await expect(rotated.compareAndSet("g", "rt-0", tokens(2))).resolves.toBe(false);
    await expect(rotated.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
    expect((await inner.get("g"))!.accessToken).toMatch(/^v1\.2026-07\./);
    expect((await inner.get("g"))!.refreshToken).toMatch(/^v1\.2026-07\./);
    await expect(new EncryptedTokenStore(inner, { keys: [KEY_B] }).get("g")).resolves.toStrictEqual(tokens(2));
    await store.set("old", tokens(3));
    expect((await rejection(new EncryptedTokenStore(inner, { keys: [KEY_B] }).get("old"))).code).toBe("key_unknown");
  });

  test("an invalid token set is refused before anything reaches the inner store", async () => {
    const bad = { accessToken: "", expiresAt: 1, tokenType: "bearer" } as TokenSet;
    await expect(store.set("g", bad)).rejects.toThrow(/EncryptedTokenStore: refusing to store an invalid token set/);
    await expect(inner.get("g")).resolves.toBeUndefined();
  });

  test("passes the inner store's lock through only when there is one", async () => {
    expect(isRefreshLock(store)).toBe(false);
    const lockingStore = Object.assign(new MemoryTokenStore(), {
      acquire: jest.fn(async () => ({ key: "k", token: "t" })),
      release: jest.fn(async () => {}),
      ttlMs: 1234,
    });
    const wrapped = new EncryptedTokenStore(lockingStore, { keys: [KEY_A] });
    expect(isRefreshLock(wrapped)).toBe(true);
    expect(wrapped.ttlMs).toBe(1234);
    await expect(wrapped.acquire!("k", 10)).resolves.toEqual({ key: "k", token: "t" });
    await wrapped.release!({ key: "k", token: "t" });
    expect(lockingStore.acquire).toHaveBeenCalledWith("k", 10);
    expect(lockingStore.release).toHaveBeenCalledWith({ key: "k", token: "t" });
  });
});

describe("EncryptedTokenStore keys", () => {
  const issuesOf = (keys: unknown, store: unknown = new MemoryTokenStore()) =>
    configIssues(() => new EncryptedTokenStore(store as TokenStore, { keys: keys as never }));
  const raw = randomBytes(32);

  test("accepts a Buffer, a Uint8Array, and standard or url-safe base64 of 32 bytes", async () => {
    for (const key of [raw, new Uint8Array(raw), raw.toString("base64"), raw.toString("base64url")]) {
      const store = new EncryptedTokenStore(new MemoryTokenStore(), { keys: [{ id: "k", key }] });
      await store.set("g", tokens(1));
      await expect(store.get("g")).resolves.toStrictEqual(tokens(1));
    }
  });

  test("names every bad key at once, and never prints key material", () => {
    const secret = randomBytes(16).toString("base64");
    const issues = issuesOf([
      { id: "ok", key: raw },
      { id: "ok", key: randomBytes(32) },
      { id: "has.dot", key: randomBytes(32) },
      { id: "short", key: secret },
      { id: "not-base64", key: "!".repeat(44) },
      { id: "twin", key: Buffer.from(raw) },
      { key: randomBytes(32) },
    ]);
    expect(issues).toEqual([
      'EncryptedTokenStore: `keys[1].id` "ok" is used twice',
      expect.stringMatching(/^EncryptedTokenStore: `keys\[2\]\.id` must match/),
      "EncryptedTokenStore: `keys[3].key` must be 32 bytes: a Buffer, or base64 of 32 random bytes (openssl rand -base64 32); got 16 bytes",
      "EncryptedTokenStore: `keys[4].key` must be 32 bytes: a Buffer, or base64 of 32 random bytes (openssl rand -base64 32)",
      "EncryptedTokenStore: `keys[5].key` is the same key as `keys[0].key`",
      expect.stringMatching(/^EncryptedTokenStore: `keys\[6\]\.id` must match/),
    ]);
    expect(issues.join("\n")).not.toContain(secret);
    expect(issues.join("\n")).not.toContain(raw.toString("base64"));
  });

  test("no keys, or no store, is refused", () => {
    expect(issuesOf([])[0]).toMatch(/`keys` must be a non-empty array/);
    expect(issuesOf(undefined)[0]).toMatch(/`keys` must be a non-empty array/);
    expect(issuesOf([{ id: "k", key: raw }], {})[0]).toMatch(/`store` must be a TokenStore/);
  });
});

describe("EncryptedTokenStore behind a real app", () => {
  test("a login and a refresh leave no token in the SQLite file (and, without encryption, they would)", async () => {
    const dump = async (encrypt: boolean) => {
      const dir = tempDir();
      const sqlite = new SqliteTokenStore({ filename: join(dir, "tokens.db") });
      const { harness } = await loginAndRefresh(encrypt ? new EncryptedTokenStore(sqlite, { keys: [KEY_A] }) : sqlite);
      const issued = harness.mock.issuedSecrets();
      await harness.close();
      // Every file SQLite wrote (the database and its WAL), before and after a checkpoint.
      const raw = () =>
        readdirSync(dir)
          .map((file) => readFileSync(join(dir, file)).toString("latin1"))
          .join("\n");
      const before = raw();
      sqlite.close();
      return leaked(before + raw(), issued);
    };
    expect(await dump(false)).not.toEqual([]);
    expect(await dump(true)).toEqual([]);
  });

  test("a tampered record answers 503 and deletes nothing; restored, the same grant works", async () => {
    const inner = new MemoryTokenStore();
    const { harness, grantKey, agent } = await loginAndRefresh(new EncryptedTokenStore(inner, { keys: [KEY_A] }));
    const good = (await inner.get(grantKey))!;
    await inner.set(grantKey, flipped(good));
    const res = await agent.get("/api/me").set("Accept", "application/json").expect(503);
    expect(res.body).toEqual({ error: "pitchly_unavailable" });
    expect(res.headers["retry-after"]).toBeDefined();
    await expect(inner.get(grantKey)).resolves.toBeDefined();
    await inner.set(grantKey, good);
    await agent.get("/api/me").expect(200);
    await harness.close();
  });
});
