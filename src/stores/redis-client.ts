// The few node-redis (v5) commands the Redis adapters use, typed by shape so this package never imports `redis`.
import { PitchlyConfigError } from "../errors";

/**
 * Satisfied by a node-redis v5 client from `createClient()` (and by `createCluster()`): pass the one
 * your app already connected. Replies are `unknown` because a client's type mapping may turn
 * strings into Buffers; the adapters check what comes back.
 */
export interface RedisClientLike {
  get(key: string): Promise<unknown>;
  set(
    key: string,
    value: string,
    options?: { expiration?: { type: "EX" | "PX"; value: number }; condition?: "NX" | "XX" },
  ): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** One line per unusable field (`client`, `prefix`), for a PitchlyConfigError. */
export function checkRedisOptions(owner: string, client: unknown, prefix: unknown): string[] {
  const issues: string[] = [];
  if (client === undefined || client === null) {
    issues.push(
      `${owner}: \`client\` is required: pass your app's connected node-redis client (createClient(...), then await connect())`,
    );
  } else {
    const missing = ["get", "set", "del", "eval"].filter(
      (name) => typeof (client as Record<string, unknown>)[name] !== "function",
    );
    if (missing.length > 0) issues.push(`${owner}: \`client\` must be a node-redis v5 client (no ${missing.join(", ")} method)`);
  }
  // Spaces and control characters in a key are legal in Redis but almost always a typo or an injection.
  if (typeof prefix !== "string" || prefix.length === 0 || prefix.length > 200 || /[\s\p{Cc}]/u.test(prefix)) {
    issues.push(`${owner}: \`prefix\` must be a non-empty string without spaces or control characters`);
  }
  return issues;
}

export function throwIfIssues(issues: readonly string[]): void {
  if (issues.length > 0) throw new PitchlyConfigError(issues);
}

/** Redis answers 1/0 as a number, or as a bigint/string under some type mappings. */
export function replyNumber(reply: unknown): number {
  return typeof reply === "number" ? reply : Number(reply);
}
