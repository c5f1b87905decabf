// SqliteTokenStore: the shared contracts on a file and on a caller's db, persistence, sharing between instances and processes.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { configIssues, missingDriverIssues } from "./config-issues";
import { SqliteTokenStore } from "../../src/stores/sqlite-token-store";
import { rotated as tokens } from "../../src/testing/token-store-contract";
import {
  CORRUPT_ROWS,
  describeLockingStoreContract,
  describeRefreshLockContract,
  describeTokenStoreContract,
} from "./token-store-contract";

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "pitchly-sqlite-"));
  dirs.push(dir);
  return join(dir, "tokens.db");
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function onFile() {
  const store = new SqliteTokenStore({ filename: tempFile() });
  return { store, lock: store, cleanup: async () => store.close() };
}

describeTokenStoreContract("SqliteTokenStore({ filename })", onFile);
describeRefreshLockContract("SqliteTokenStore({ filename })", onFile);
describeLockingStoreContract("SqliteTokenStore({ filename })", onFile);
describeTokenStoreContract("SqliteTokenStore({ db })", async () => {
  const db = new Database(":memory:");
  return { store: new SqliteTokenStore({ db, table: "custom_tokens" }), cleanup: async () => void db.close() };
});

describe("SqliteTokenStore on a shared file", () => {
  test("data survives closing and reopening the file", async () => {
    const filename = tempFile();
    const first = new SqliteTokenStore({ filename });
    await first.set("g", tokens(1));
    first.close();
    const second = new SqliteTokenStore({ filename });
    await expect(second.get("g")).resolves.toStrictEqual(tokens(1));
    await expect(second.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
    second.close();
  });

  test("two instances on one file see each other's writes and share the lease", async () => {
    const filename = tempFile();
    const a = new SqliteTokenStore({ filename });
    const b = new SqliteTokenStore({ filename });
    await a.set("g", tokens(1));
    await expect(b.get("g")).resolves.toStrictEqual(tokens(1));
    await expect(b.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
    await expect(a.compareAndSet("g", "rt-1", tokens(3))).resolves.toBe(false);
    await expect(a.get("g")).resolves.toStrictEqual(tokens(2));

    const held = await a.acquire("g", 10_000);
    expect(held).toBeDefined();
    await expect(b.acquire("g", 10_000)).resolves.toBeUndefined();
    await a.release(held!);
    await expect(b.acquire("g", 10_000)).resolves.toBeDefined();
    a.close();
    b.close();
  });

  test("processes racing on one file: exactly one takes the lease and exactly one rotation lands", async () => {
    const filename = tempFile();
    const setup = new SqliteTokenStore({ filename });
    await setup.set("race-grant", tokens(0));
    const child = join(__dirname, "fixtures", "sqlite-race-child.ts");
    const startAt = String(Date.now() + 2000);
    const run = promisify(execFile);
    const outputs = await Promise.all(
      [1, 2, 3, 4].map((id) => run(process.execPath, ["--import", "tsx", child, filename, startAt, String(id)])),
    );
    const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { id: string; locked: boolean; wrote: boolean });
    expect(results.filter((r) => r.locked)).toHaveLength(1);
    const winners = results.filter((r) => r.wrote);
    expect(winners).toHaveLength(1);
    await expect(setup.get("race-grant")).resolves.toMatchObject({ refreshToken: `rt-${winners[0]?.id}` });
    setup.close();
  }, 30_000);
});

describe("SqliteTokenStore with a corrupt row", () => {
  let db: Database.Database;
  let store: SqliteTokenStore;
  beforeEach(async () => {
    db = new Database(":memory:");
    store = new SqliteTokenStore({ db });
    await store.set("g", tokens(1));
  });
  afterEach(() => db.close());

  test.each(CORRUPT_ROWS)("rejects with a clear error when the row has %s", async (_label, json, refreshToken, message) => {
    db.prepare("UPDATE pitchly_tokens SET tokens = ?, refresh_token = ? WHERE grant_key = 'g'").run(json, refreshToken);
    const error = await store.get("g").then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/^SqliteTokenStore: the stored token set is corrupt/);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/not json|at-1/);
  });
});

describe("SqliteTokenStore configuration", () => {
  const issuesOf = configIssues;

  test("names the missing or conflicting field", () => {
    expect(issuesOf(() => new SqliteTokenStore({}))[0]).toMatch(/`filename`.*`db`/);
    expect(issuesOf(() => new SqliteTokenStore(undefined as never))[0]).toMatch(/`filename`/);
    const db = new Database(":memory:");
    expect(issuesOf(() => new SqliteTokenStore({ db, filename: "x.db" }))[0]).toMatch(/either `filename` or `db`/);
    expect(issuesOf(() => new SqliteTokenStore({ db, table: "tokens; DROP TABLE x" }))[0]).toMatch(/`table`/);
    expect(issuesOf(() => new SqliteTokenStore({ filename: "" }))[0]).toMatch(/`filename`/);
    db.close();
  });

  test("a filename that cannot be opened is a config error naming it", () => {
    expect(issuesOf(() => new SqliteTokenStore({ filename: join(tmpdir(), "no-such-dir-pitchly", "x", "t.db") }))[0]).toMatch(
      /cannot open `filename`/,
    );
  });

  test("without better-sqlite3 installed, says how to install it", () => {
    const build = () => {
      const { SqliteTokenStore: Isolated } =
        require("../../src/stores/sqlite-token-store") as typeof import("../../src/stores/sqlite-token-store");
      return new Isolated({ filename: tempFile() });
    };
    expect(missingDriverIssues("better-sqlite3", build)).toEqual([
      "SqliteTokenStore: better-sqlite3 is not installed: run npm install better-sqlite3@12",
    ]);
  });

  test("a table of that name with other columns is a config error naming `table`", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE pitchly_tokens (id INTEGER PRIMARY KEY, name TEXT)");
    expect(issuesOf(() => new SqliteTokenStore({ db }))[0]).toMatch(/cannot use `table` "pitchly_tokens"/);
    db.close();
  });

  test("close() leaves a caller's db open", async () => {
    const db = new Database(":memory:");
    new SqliteTokenStore({ db }).close();
    expect(db.open).toBe(true);
    db.close();
  });

  test("opens its own file in WAL mode", () => {
    const filename = tempFile();
    const store = new SqliteTokenStore({ filename });
    const db = new Database(filename);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    store.close();
  });

  test("acquire rejects a nonsense ttl instead of taking a lease forever", async () => {
    const store = new SqliteTokenStore({ filename: tempFile() });
    await expect(store.acquire("k", 0)).rejects.toThrow(RangeError);
    await expect(store.acquire("k", Number.NaN)).rejects.toThrow(RangeError);
    store.close();
  });
});
