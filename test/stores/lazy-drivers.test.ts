// Importing the stores loads no driver: better-sqlite3 only when a SqliteTokenStore is built, redis never.
afterEach(() => {
  jest.dontMock("better-sqlite3");
  jest.dontMock("redis");
});

test("the stores entry loads neither better-sqlite3 nor redis", () => {
  const loaded: string[] = [];
  jest.doMock("better-sqlite3", () => { loaded.push("better-sqlite3"); throw new Error("better-sqlite3 loaded"); });
  jest.doMock("redis", () => { loaded.push("redis"); throw new Error("redis loaded"); });
  jest.isolateModules(() => {
    const stores = require("../../src/stores") as typeof import("../../src/stores");
    const client = { get: jest.fn(), set: jest.fn(), del: jest.fn(), eval: jest.fn() };
    new stores.MemoryTokenStore();
    new stores.RedisTokenStore({ client });
    new stores.RedisLock({ client, ttlMs: 1000 });
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
