// A RefreshLock on Redis: N processes behind a load balancer run exactly one refresh per grant.
import { randomBytes } from "node:crypto";
import { checkRedisOptions, throwIfIssues, type RedisClientLike } from "./redis-client";
import type { LockHandle, RefreshLock } from "./token-store";

const NAME = "RedisLock";

// Delete only our own token: a holder whose lock expired and was re-taken must not free the new holder's.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface RedisLockOptions {
  /** Your connected node-redis v5 client (the same one as RedisTokenStore is fine). */
  client: RedisClientLike;
  /** Default lease when the caller passes none; the core defaults it to `httpTimeoutMs` + 5 s. */
  ttlMs?: number;
  /** Key prefix, default `pitchly:lock:`. */
  prefix?: string;
}

function isPositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

export class RedisLock implements RefreshLock {
  /** The configured default lease, if any, so the core can read it. */
  readonly ttlMs?: number;
  private readonly client: RedisClientLike;
  private readonly prefix: string;

  constructor(options: RedisLockOptions) {
    const { client, ttlMs, prefix = "pitchly:lock:" } = options ?? ({} as Partial<RedisLockOptions>);
    const issues = checkRedisOptions(NAME, client, prefix);
    if (ttlMs !== undefined && !isPositive(ttlMs)) issues.push(`${NAME}: \`ttlMs\` must be a positive number of milliseconds`);
    throwIfIssues(issues);
    this.client = client;
    this.prefix = prefix;
    if (ttlMs !== undefined) this.ttlMs = ttlMs;
  }

  /** `ttlMs` here wins over the constructor's; one of them must be a positive number. */
  async acquire(key: string, ttlMs: number): Promise<LockHandle | undefined> {
    const ttl = isPositive(ttlMs) ? ttlMs : this.ttlMs;
    if (ttl === undefined) throw new RangeError(`${NAME}: acquire needs a positive ttlMs (or set one in the constructor)`);
    const token = randomBytes(16).toString("base64url");
    const reply = await this.client.set(this.prefix + key, token, {
      condition: "NX",
      expiration: { type: "PX", value: Math.ceil(ttl) },
    });
    // SET NX answers OK when it wrote, null when the key was held.
    return reply === null || reply === undefined ? undefined : Object.freeze({ key, token });
  }

  async remainingMs(key: string): Promise<number | undefined> {
    const ms = Number(await this.client.eval("return redis.call('PTTL', KEYS[1])", { keys: [this.prefix + key], arguments: [] }));
    // -2: no such key; -1: no expiry (never set by acquire, so treat as unknown).
    return ms > 0 ? ms : undefined;
  }

  async release(handle: LockHandle): Promise<void> {
    await this.client.eval(RELEASE, { keys: [this.prefix + handle.key], arguments: [handle.token] });
  }
}
