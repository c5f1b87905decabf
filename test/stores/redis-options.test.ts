// RedisTokenStore and RedisLock constructor checks and argument passing, against a recording fake client (no server).
import { PitchlyConfigError } from "../../src/errors";
import { RedisLock } from "../../src/stores/redis-lock";
import { RedisTokenStore } from "../../src/stores/redis-token-store";

function fakeClient() {
  return {
    get: jest.fn(async (): Promise<unknown> => null),
    set: jest.fn(async (): Promise<unknown> => "OK"),
    del: jest.fn(async (): Promise<unknown> => 1),
    eval: jest.fn(async (): Promise<unknown> => 1),
  };
}

function issuesOf(make: () => unknown): readonly string[] {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(PitchlyConfigError);
    return (err as PitchlyConfigError).issues;
  }
  throw new Error("expected a PitchlyConfigError");
}

describe.each([
  ["RedisTokenStore", (o: object) => new RedisTokenStore(o as never)],
  ["RedisLock", (o: object) => new RedisLock(o as never)],
])("%s options", (name, make) => {
  test("a missing client is a config error naming `client`", () => {
    expect(issuesOf(() => make({}))).toEqual([expect.stringMatching(new RegExp(`^${name}: \`client\` is required`))]);
    expect(issuesOf(() => make(undefined as never))[0]).toMatch(/`client`/);
  });

  test("a client without the commands we use is named as such", () => {
    expect(issuesOf(() => make({ client: { get() {}, set() {} } }))[0]).toMatch(
      /`client` must be a node-redis v5 client \(no del, eval method\)/,
    );
  });

  test.each(["", "has space ", "tab\t", 42])("prefix %p is a config error naming `prefix`", (prefix) => {
    expect(issuesOf(() => make({ client: fakeClient(), prefix }))[0]).toMatch(/`prefix`/);
  });
});

test("RedisTokenStore rejects a bad ttlSeconds and passes a good one as EX", async () => {
  expect(issuesOf(() => new RedisTokenStore({ client: fakeClient(), ttlSeconds: 1.5 }))[0]).toMatch(/`ttlSeconds`/);
  const client = fakeClient();
  const store = new RedisTokenStore({ client, prefix: "app:g:", ttlSeconds: 3600 });
  await store.set("k", { accessToken: "a", expiresAt: 1, tokenType: "bearer" });
  expect(client.set).toHaveBeenCalledWith("app:g:k", expect.any(String), { expiration: { type: "EX", value: 3600 } });
});

test("RedisTokenStore reports a stored value it cannot parse as corrupt", async () => {
  const client = fakeClient();
  client.get.mockResolvedValueOnce("{oops");
  client.eval.mockResolvedValueOnce(-1);
  const store = new RedisTokenStore({ client });
  await expect(store.get("k")).rejects.toThrow(/^RedisTokenStore: the stored token set is corrupt \(not valid JSON\)/);
  await expect(store.compareAndSet("k", "rt", { accessToken: "a", expiresAt: 1, tokenType: "bearer" })).rejects.toThrow(
    /corrupt/,
  );
});

test("RedisLock exposes its default ttl, and the ttl passed to acquire wins", async () => {
  expect(issuesOf(() => new RedisLock({ client: fakeClient(), ttlMs: 0 }))[0]).toMatch(/`ttlMs`/);
  expect(new RedisLock({ client: fakeClient() }).ttlMs).toBeUndefined();
  const client = fakeClient();
  const lock = new RedisLock({ client, ttlMs: 15_000 });
  expect(lock.ttlMs).toBe(15_000);
  await lock.acquire("g", 2_000);
  expect(client.set).toHaveBeenLastCalledWith("pitchly:lock:g", expect.any(String), {
    condition: "NX",
    expiration: { type: "PX", value: 2_000 },
  });
  await lock.acquire("g", Number.NaN);
  expect(client.set).toHaveBeenLastCalledWith("pitchly:lock:g", expect.any(String), {
    condition: "NX",
    expiration: { type: "PX", value: 15_000 },
  });
  await expect(new RedisLock({ client }).acquire("g", 0)).rejects.toThrow(RangeError);
});
