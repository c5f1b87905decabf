// RedisTokenStore and RedisLock against a real redis-server through real node-redis clients, outages included.
import { createClient, createCluster, RESP_TYPES, type RedisClientOptions } from "redis";
import { EncryptedTokenStore } from "../../src/stores/encrypted-token-store";
import { RedisLock } from "../../src/stores/redis-lock";
import { RedisTokenStore } from "../../src/stores/redis-token-store";
import { rotated as tokens } from "../../src/testing/token-store-contract";
import { sleep } from "../helpers/services";
import { KEY_A, KEY_B, leaked, loginAndRefresh } from "../stores/encryption-fixtures";
import { describeRefreshLockContract, describeTokenStoreContract } from "../stores/token-store-contract";
import { startRedisServer, type RedisServer } from "./redis-server";

let serverPromise: Promise<RedisServer> | undefined;
const server = () => (serverPromise ??= startRedisServer());
afterAll(async () => (await serverPromise)?.stop());

// What we tell users to configure (with test-sized numbers): fail fast while Redis is down, notice a
// frozen one through socketTimeout (pings keep a healthy idle socket busy), and keep reconnecting after
// a socket timeout, which node-redis's default strategy does not.
async function connectedClient(extra: Partial<RedisClientOptions> = {}) {
  const client = createClient({
    url: (await server()).url,
    disableOfflineQueue: true,
    pingInterval: 200,
    socket: {
      connectTimeout: 1000,
      socketTimeout: 1000,
      reconnectStrategy: (retries: number) => Math.min(2 ** retries * 50, 500),
    },
    ...extra,
  });
  client.on("error", () => {}); // node-redis crashes the process on an unhandled 'error'; reconnects are expected here
  await client.connect();
  return client;
}

let run = 0;
describeTokenStoreContract("RedisTokenStore", async () => {
  const client = await connectedClient();
  return { store: new RedisTokenStore({ client, prefix: `test:${++run}:grant:` }), cleanup: async () => client.destroy() };
});
describeTokenStoreContract("EncryptedTokenStore(RedisTokenStore)", async () => {
  const client = await connectedClient();
  const store = new EncryptedTokenStore(new RedisTokenStore({ client, prefix: `test:${++run}:sealed:` }), {
    keys: [KEY_A, KEY_B],
  });
  return { store, cleanup: async () => client.destroy() };
});
describeRefreshLockContract("RedisLock", async () => {
  const client = await connectedClient();
  return { lock: new RedisLock({ client, prefix: `test:${++run}:lock:` }), cleanup: async () => client.destroy() };
});

async function until(condition: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}
/** Settles within `ms` or fails the test: proves a call neither hangs nor succeeds. */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

describe("Redis adapters on real clients", () => {
  test("two clients (two processes' worth) share grants and locks", async () => {
    const [a, b] = await Promise.all([connectedClient(), connectedClient()]);
    const storeA = new RedisTokenStore({ client: a, prefix: "shared:grant:" });
    const storeB = new RedisTokenStore({ client: b, prefix: "shared:grant:" });
    await storeA.set("g", tokens(1));
    await expect(storeB.compareAndSet("g", "rt-1", tokens(2))).resolves.toBe(true);
    await expect(storeA.compareAndSet("g", "rt-1", tokens(3))).resolves.toBe(false);
    await expect(storeA.get("g")).resolves.toStrictEqual(tokens(2));
    const held = await new RedisLock({ client: a }).acquire("g", 5_000);
    await expect(new RedisLock({ client: b }).acquire("g", 5_000)).resolves.toBeUndefined();
    await new RedisLock({ client: b }).release(held!);
    await expect(new RedisLock({ client: b }).acquire("g", 5_000)).resolves.toBeDefined();
    a.destroy();
    b.destroy();
  });

  test("ttlSeconds makes an idle grant expire, and compareAndSet renews it", async () => {
    const client = await connectedClient();
    const store = new RedisTokenStore({ client, prefix: "ttl:grant:", ttlSeconds: 100 });
    await store.set("g", tokens(1));
    expect(await client.ttl("ttl:grant:g")).toBeGreaterThan(90);
    await client.expire("ttl:grant:g", 5);
    await store.compareAndSet("g", "rt-1", tokens(2));
    expect(await client.ttl("ttl:grant:g")).toBeGreaterThan(90);
    client.destroy();
  });

  test("a value that is not a token set is reported as corrupt, never returned", async () => {
    const client = await connectedClient();
    const store = new RedisTokenStore({ client, prefix: "corrupt:" });
    await client.set("corrupt:a", "{oops");
    await client.set("corrupt:b", JSON.stringify({ accessToken: "at", tokenType: "bearer" }));
    await expect(store.get("a")).rejects.toThrow(/^RedisTokenStore: the stored token set is corrupt \(not valid JSON\)/);
    await expect(store.get("b")).rejects.toThrow(/corrupt \(expiresAt: /);
    await expect(store.compareAndSet("a", "rt", tokens(1))).rejects.toThrow(/corrupt/);
    client.destroy();
  });

  test("Redis stopped: every call rejects promptly; restarted: calls work again", async () => {
    const redis = await server();
    const client = await connectedClient();
    const store = new RedisTokenStore({ client, prefix: "outage:grant:" });
    const lock = new RedisLock({ client, prefix: "outage:lock:" });
    await store.set("g", tokens(1));

    await redis.stop();
    // Issued while the socket is dying, then while the client is reconnecting: both must fail, not wait.
    await expect(settlesWithin(store.get("g"), 5_000)).rejects.toThrow();
    await until(() => !client.isReady);
    await expect(settlesWithin(store.get("g"), 1_000)).rejects.toThrow();
    await expect(settlesWithin(store.set("g", tokens(2)), 1_000)).rejects.toThrow();
    await expect(settlesWithin(store.compareAndSet("g", "rt-1", tokens(2)), 1_000)).rejects.toThrow();
    await expect(settlesWithin(store.delete("g"), 1_000)).rejects.toThrow();
    await expect(settlesWithin(lock.acquire("g", 1_000), 1_000)).rejects.toThrow();

    await redis.restart();
    await until(() => client.isReady);
    await expect(store.get("g")).resolves.toBeUndefined(); // the test server keeps nothing across restarts
    await expect(store.compareAndSet("g", undefined, tokens(3))).resolves.toBe(true);
    await expect(store.get("g")).resolves.toStrictEqual(tokens(3));
    const handle = await lock.acquire("g", 1_000);
    expect(handle).toBeDefined();
    await lock.release(handle!);
    client.destroy();
  });

  test("Redis frozen (connection open, no answers): socketTimeout turns the hang into a rejection, then it recovers", async () => {
    const redis = await server();
    const client = await connectedClient();
    const store = new RedisTokenStore({ client, prefix: "frozen:grant:" });
    redis.pause();
    try {
      await expect(settlesWithin(store.get("g"), 3_000)).rejects.toThrow(/timeout/i);
    } finally {
      redis.resume();
    }
    await until(() => client.isReady);
    await expect(store.set("g", tokens(1))).resolves.toBeUndefined();
    await expect(store.get("g")).resolves.toStrictEqual(tokens(1));
    client.destroy();
  });
});

test("after a login and a refresh, a raw dump of every Redis key holds no token behind EncryptedTokenStore (and would without)", async () => {
  const client = await connectedClient();
  const dump = async (prefix: string, encrypt: boolean) => {
    const store = new RedisTokenStore({ client, prefix });
    const { harness } = await loginAndRefresh(encrypt ? new EncryptedTokenStore(store, { keys: [KEY_A] }) : store);
    const issued = harness.mock.issuedSecrets();
    await harness.close();
    const keys = await client.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    // DUMP is Redis's own serialisation of each value, what a backup or a replica receives; it LZF-compresses
    // long strings, so the stored values themselves (GET) are read too: a token must be in neither.
    const raw = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const values = await Promise.all(keys.map((key) => raw.dump(key)));
    const stored = await Promise.all(keys.map((key) => client.get(key)));
    const text = [...keys, ...values.map((value) => value.toString("latin1")), ...stored].join("\n");
    return { text, leaked: leaked(text, issued) };
  };
  expect((await dump("dump-clear:", false)).leaked).not.toEqual([]);
  const sealed = await dump("dump-sealed:", true);
  expect(sealed.text).toMatch(/v1\.2026-01\./);
  expect(sealed.leaked).toEqual([]);
  client.destroy();
});

test("without redis-server on PATH, the helper says how to install it", async () => {
  const path = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    await expect(startRedisServer()).rejects.toThrow('redis-server not found: install it with "apt-get install -y redis-server"');
  } finally {
    process.env.PATH = path;
  }
});

// Compile-time only: the structural client type accepts the client shapes users actually have.
export function typeChecks(): void {
  const resp3 = createClient({ RESP: 3 });
  const cluster = createCluster({ rootNodes: [] });
  new RedisTokenStore({ client: resp3 });
  new RedisLock({ client: resp3 });
  new RedisTokenStore({ client: cluster });
  new RedisLock({ client: cluster, ttlMs: 15_000 });
}
