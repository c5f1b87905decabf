// Seals token sets with AES-256-GCM before any TokenStore keeps them; the inner store never sees a token in clear.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { PitchlyConfigError, PitchlyTokenStoreError } from "../errors";
import type { TokenSet } from "../pitchly/token-set";
import { resolveKeys, type EncryptionKey, type ResolvedKey } from "./encryption-keys";
import { decodeTokenSet, encodeTokenSet } from "./token-codec";
import { isRefreshLock, type LockHandle, type RefreshLock, type TokenStore } from "./token-store";

const NAME = "EncryptedTokenStore";
const VERSION = "v1";
/** What the inner store sees as `tokenType`: how a sealed record is told from a clear one. */
export const SEALED_TOKEN_TYPE = "express-pitchly-sealed-v1";

export interface EncryptedTokenStoreOptions {
  /** The first key seals every write; every key opens records. Rotate by putting a new key first. */
  keys: readonly EncryptionKey[];
  /**
   * Migration aid, default false: read records written in clear before encryption was turned on
   * (they are sealed at their next write). Leave off otherwise: a clear record is then refused.
   */
  acceptPlaintext?: boolean;
}

/**
 * The inner store holds a token set it can store and compare like any other:
 * `accessToken` = `v1.<keyId>.<iv>.<ciphertext+tag>` (the whole set, JSON, with the grant key as associated data),
 * `refreshToken` = `v1.<keyId>.<HMAC of grant key + refresh token>`, `expiresAt` = 0, `tokenType` = SEALED_TOKEN_TYPE.
 * So the inner compare-and-set still compares refresh tokens, as MACs, in its own single atomic step.
 */
export class EncryptedTokenStore implements TokenStore {
  /** Present when the inner store is a RefreshLock (SQLite, Postgres), so it still coordinates refreshes. */
  readonly acquire?: RefreshLock["acquire"];
  readonly release?: RefreshLock["release"];
  readonly ttlMs?: number;
  private readonly inner: TokenStore;
  private readonly keys: readonly ResolvedKey[];
  private readonly byId: ReadonlyMap<string, ResolvedKey>;
  private readonly acceptPlaintext: boolean;

  constructor(store: TokenStore, options: EncryptedTokenStoreOptions) {
    const methods = ["get", "set", "compareAndSet", "delete"] as const;
    if (typeof store !== "object" || store === null || methods.some((m) => typeof store[m] !== "function")) {
      throw new PitchlyConfigError([`${NAME}: \`store\` must be a TokenStore (get, set, compareAndSet, delete)`]);
    }
    this.keys = resolveKeys(NAME, options?.keys);
    this.byId = new Map(this.keys.map((key) => [key.id, key]));
    this.acceptPlaintext = options.acceptPlaintext === true;
    this.inner = store;
    if (isRefreshLock(store)) {
      this.acquire = (key, ttlMs) => store.acquire(key, ttlMs);
      this.release = (handle: LockHandle) => store.release(handle);
      const ttl = (store as { ttlMs?: unknown }).ttlMs;
      if (typeof ttl === "number") this.ttlMs = ttl;
    }
  }

  async get(grantKey: string): Promise<TokenSet | undefined> {
    const record = await this.inner.get(grantKey);
    return record === undefined ? undefined : this.open(grantKey, record);
  }

  async set(grantKey: string, tokens: TokenSet): Promise<void> {
    await this.inner.set(grantKey, this.seal(grantKey, tokens));
  }

  async compareAndSet(grantKey: string, expectedRefreshToken: string | undefined, next: TokenSet): Promise<boolean> {
    const sealed = this.seal(grantKey, next);
    if (expectedRefreshToken === undefined) return this.inner.compareAndSet(grantKey, undefined, sealed);
    // The stored MAC is under whichever key wrote the record: try the writing key first (nearly always
    // it), then the older ones. Each try is the inner store's own atomic compare, so at most one writes.
    for (const key of this.keys) {
      if (await this.inner.compareAndSet(grantKey, mac(key, grantKey, expectedRefreshToken), sealed)) return true;
    }
    return this.acceptPlaintext ? this.inner.compareAndSet(grantKey, expectedRefreshToken, sealed) : false;
  }

  delete(grantKey: string): Promise<void> {
    return this.inner.delete(grantKey);
  }

  private seal(grantKey: string, tokens: TokenSet): TokenSet {
    const json = encodeTokenSet(tokens, NAME); // validates: an invalid set is refused before anything is written
    const key = this.keys[0] as ResolvedKey;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key.aes, iv).setAAD(aad(key.id, grantKey));
    const sealed = Buffer.concat([cipher.update(json, "utf8"), cipher.final(), cipher.getAuthTag()]);
    const record: TokenSet = {
      accessToken: `${VERSION}.${key.id}.${iv.toString("base64url")}.${sealed.toString("base64url")}`,
      expiresAt: 0,
      tokenType: SEALED_TOKEN_TYPE,
    };
    if (tokens.refreshToken !== undefined) record.refreshToken = mac(key, grantKey, tokens.refreshToken);
    return record;
  }

  private open(grantKey: string, record: TokenSet): TokenSet {
    if (record.tokenType !== SEALED_TOKEN_TYPE) {
      if (this.acceptPlaintext) return record;
      throw new PitchlyTokenStoreError(
        "record_unsealed",
        `${NAME}: the stored record is not encrypted (written before encryption was turned on?); set acceptPlaintext: true while migrating`,
      );
    }
    const [version, id, iv, data, ...rest] = record.accessToken.split(".");
    const ivBytes = Buffer.from(iv ?? "", "base64url");
    const dataBytes = Buffer.from(data ?? "", "base64url");
    if (version !== VERSION || id === undefined || rest.length > 0 || ivBytes.length !== 12 || dataBytes.length < 17) {
      throw new PitchlyTokenStoreError("record_malformed", `${NAME}: the stored record is not in the ${VERSION} sealed format`);
    }
    const key = this.byId.get(id);
    if (key === undefined) {
      throw new PitchlyTokenStoreError(
        "key_unknown",
        `${NAME}: the stored record was sealed with key id ${JSON.stringify(id)}, which is not in \`keys\` (add it back: a key may only be dropped once no record uses it)`,
      );
    }
    let json: string;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.aes, ivBytes).setAAD(aad(id, grantKey));
      decipher.setAuthTag(dataBytes.subarray(dataBytes.length - 16));
      json = Buffer.concat([decipher.update(dataBytes.subarray(0, dataBytes.length - 16)), decipher.final()]).toString("utf8");
    } catch {
      throw tampered();
    }
    const tokens = decodeTokenSet(json, NAME);
    // The MAC is what compareAndSet matches on: it must be the MAC of the refresh token inside.
    const expected = tokens.refreshToken === undefined ? undefined : mac(key, grantKey, tokens.refreshToken);
    if (!sameText(expected, record.refreshToken)) throw tampered();
    return tokens;
  }
}

function aad(keyId: string, grantKey: string): Buffer {
  return Buffer.from(`express-pitchly ${VERSION}\0${keyId}\0${grantKey}`, "utf8");
}

/** Length-prefixed, so no (grant key, token) pair can be shifted into another one with the same MAC. */
function mac(key: ResolvedKey, grantKey: string, refreshToken: string): string {
  const digest = createHmac("sha256", key.mac).update(`${grantKey.length}:${grantKey}`).update(refreshToken).digest("base64url");
  return `${VERSION}.${key.id}.${digest}`;
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

function tampered(): PitchlyTokenStoreError {
  return new PitchlyTokenStoreError(
    "record_tampered",
    `${NAME}: the stored record does not decrypt under its key (altered, copied from another grant, or the key's bytes changed); nothing was deleted`,
  );
}
