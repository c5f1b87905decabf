// A TokenStore in this process's memory: for development and tests, lost on restart, not shared.
import type { Logger } from "pino";
import type { TokenSet } from "../pitchly/token-set";
import { copyTokenSet } from "./token-codec";
import type { TokenStore } from "./token-store";

const NAME = "MemoryTokenStore";
const WARNING =
  "MemoryTokenStore keeps tokens in this process only: they are lost on restart and not shared with other " +
  "processes, so users get logged out and background jobs lose their grants. Use SqliteTokenStore or " +
  "RedisTokenStore in production.";

// Module-level so an app that builds a store per router (or per test) hears it once, not N times.
let warnedInProduction = false;

export interface MemoryTokenStoreOptions {
  /** Where the production warning goes; without one it is a process warning (code PITCHLY_MEMORY_STORE). */
  logger?: Logger;
}

export class MemoryTokenStore implements TokenStore {
  // Tokens are flat objects of primitives, so a spread copy is a deep copy.
  private readonly grants = new Map<string, TokenSet>();

  constructor(options: MemoryTokenStoreOptions = {}) {
    if (process.env.NODE_ENV === "production" && !warnedInProduction) {
      warnedInProduction = true;
      if (options.logger) options.logger.warn({ warningCode: "PITCHLY_MEMORY_STORE" }, WARNING);
      else process.emitWarning(WARNING, { code: "PITCHLY_MEMORY_STORE" });
    }
  }

  async get(grantKey: string): Promise<TokenSet | undefined> {
    const stored = this.grants.get(grantKey);
    return stored === undefined ? undefined : { ...stored };
  }

  async set(grantKey: string, tokens: TokenSet): Promise<void> {
    this.grants.set(grantKey, copyTokenSet(tokens, NAME));
  }

  // Read-compare-write with no await in between is atomic on Node's single thread.
  async compareAndSet(grantKey: string, expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const copy = copyTokenSet(next, NAME);
    const current = this.grants.get(grantKey);
    if (expectedRefreshToken === undefined ? current !== undefined : current?.refreshToken !== expectedRefreshToken) {
      return false;
    }
    this.grants.set(grantKey, copy);
    return true;
  }

  async delete(grantKey: string): Promise<void> {
    this.grants.delete(grantKey);
  }
}
