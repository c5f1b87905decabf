// Importing the stores loads no driver: better-sqlite3 / pg only when their store is built from a file / URL, redis never.
afterEach(() => {
  jest.dontMock("better-sqlite3");
  jest.dontMock("redis");
  jest.dontMock("pg");
});

test("the stores entry loads no driver, nor do stores built on a client or pool the app passes", () => {
  const loaded: string[] = [];
  jest.doMock("better-sqlite3", () => {
    loaded.push("better-sqlite3");
    throw new Error("better-sqlite3 loaded");
  });
  jest.doMock("redis", () => {
    loaded.push("redis");
    throw new Error("redis loaded");
  });
  jest.doMock("pg", () => {
    loaded.push("pg");
    throw new Error("pg loaded");
  });
  jest.isolateModules(() => {
    const stores = require("../../src/stores") as typeof import("../../src/stores");
    const client = { get: jest.fn(), set: jest.fn(), del: jest.fn(), eval: jest.fn() };
    new stores.MemoryTokenStore();
    new stores.RedisTokenStore({ client });
    new stores.RedisLock({ client, ttlMs: 1000 });
    const postgres = new stores.PostgresTokenStore({ pool: { query: jest.fn() } });
    new stores.EncryptedTokenStore(postgres, { keys: [{ id: "k", key: Buffer.alloc(32, 1) }] });
  });
  expect(loaded).toEqual([]);
});

test("building a SqliteTokenStore from a filename is what loads better-sqlite3", () => {
  const loaded: string[] = [];
  jest.doMock("better-sqlite3", () => {
    loaded.push("better-sqlite3");
    return jest.requireActual("better-sqlite3");
  });
  jest.isolateModules(() => {
    const { SqliteTokenStore } = require("../../src/stores") as typeof import("../../src/stores");
    expect(loaded).toEqual([]);
    new SqliteTokenStore({ filename: ":memory:" }).close();
  });
  expect(loaded).toEqual(["better-sqlite3"]);
});

test("building a PostgresTokenStore from a connectionString is what loads pg (and connects only on first use)", async () => {
  const loaded: string[] = [];
  jest.doMock("pg", () => {
    loaded.push("pg");
    return jest.requireActual("pg");
  });
  let store: import("../../src/stores").PostgresTokenStore | undefined;
  jest.isolateModules(() => {
    const { PostgresTokenStore } = require("../../src/stores") as typeof import("../../src/stores");
    expect(loaded).toEqual([]);
    store = new PostgresTokenStore({ connectionString: "postgres://127.0.0.1:1/none" });
  });
  expect(loaded).toEqual(["pg"]);
  await store?.close();
});
