// A TokenStore in Redis through the app's own node-redis client: shared by every process, optional expiry.
import type { TokenSet } from "../pitchly/token-set";
import { checkRedisOptions, replyNumber, throwIfIssues, type RedisClientLike } from "./redis-client";
import { corruptError, decodeTokenSet, encodeTokenSet } from "./token-codec";
import type { TokenStore } from "./token-store";

const NAME = "RedisTokenStore";

// Compare and write in one script so no other client can rotate the grant between our read and our SET.
// Returns 1 written, 0 refused, -1 when the stored value is not a JSON object (reported as corrupt).
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[2] == '0' then
  if current then return 0 end
else
  if not current then return 0 end
  local ok, stored = pcall(cjson.decode, current)
  if not ok or type(stored) ~= 'table' then return -1 end
  if stored['refreshToken'] ~= ARGV[3] then return 0 end
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
end
return 1
`;

export interface RedisTokenStoreOptions {
  /** Your connected node-redis v5 client. Create it with `disableOfflineQueue: true` so calls fail fast while Redis is down. */
  client: RedisClientLike;
  /** Key prefix, default `pitchly:grant:`; keep it different from RedisLock's. */
  prefix?: string;
  /** Forget a grant this many seconds after its last write (login or refresh); default never. */
  ttlSeconds?: number;
}

export class RedisTokenStore implements TokenStore {
  private readonly client: RedisClientLike;
  private readonly prefix: string;
  private readonly ttlSeconds: number | undefined;

  constructor(options: RedisTokenStoreOptions) {
    const { client, prefix = "pitchly:grant:", ttlSeconds } = options ?? ({} as Partial<RedisTokenStoreOptions>);
    const issues = checkRedisOptions(NAME, client, prefix);
    if (ttlSeconds !== undefined && !(Number.isSafeInteger(ttlSeconds) && ttlSeconds > 0)) {
      issues.push(`${NAME}: \`ttlSeconds\` must be a positive whole number of seconds`);
    }
    throwIfIssues(issues);
    this.client = client;
    this.prefix = prefix;
    this.ttlSeconds = ttlSeconds;
  }

  async get(grantKey: string): Promise<TokenSet | undefined> {
    const raw = await this.client.get(this.prefix + grantKey);
    return raw === null || raw === undefined ? undefined : decodeTokenSet(raw, NAME);
  }

  async set(grantKey: string, tokens: TokenSet): Promise<void> {
    const json = encodeTokenSet(tokens, NAME);
    const key = this.prefix + grantKey;
    if (this.ttlSeconds === undefined) await this.client.set(key, json);
    else await this.client.set(key, json, { expiration: { type: "EX", value: this.ttlSeconds } });
  }

  async compareAndSet(grantKey: string, expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const json = encodeTokenSet(next, NAME);
    const reply = await this.client.eval(COMPARE_AND_SET, {
      keys: [this.prefix + grantKey],
      arguments: [
        json,
        expectedRefreshToken === undefined ? "0" : "1",
        expectedRefreshToken ?? "",
        this.ttlSeconds === undefined ? "" : String(this.ttlSeconds),
      ],
    });
    const result = replyNumber(reply);
    if (result === -1) throw corruptError(NAME, "not a JSON object");
    return result === 1;
  }

  async delete(grantKey: string): Promise<void> {
    await this.client.del(this.prefix + grantKey);
  }
}
