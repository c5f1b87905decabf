// EncryptedTokenStore's keys: checked once at construction, each with the subkey its refresh-token MAC uses.
import { hkdfSync } from "node:crypto";
import { PitchlyConfigError } from "../errors";

/** One key: `id` goes into every record it seals; `key` is 32 random bytes, or their base64. */
export interface EncryptionKey {
  id: string;
  key: Buffer | Uint8Array | string;
}

export interface ResolvedKey {
  id: string;
  /** The AES-256-GCM key itself. */
  aes: Buffer;
  /** HKDF of it for the refresh-token MAC, so one key never serves two algorithms. */
  mac: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
// Strict, because Buffer.from(…, "base64") silently skips characters it does not know.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^[A-Za-z0-9_-]+$/;
const MAC_INFO = "express-pitchly refresh-token mac v1";

function keyBytes(value: unknown): Buffer | undefined {
  if (typeof value === "string") return BASE64.test(value.trim()) ? Buffer.from(value.trim(), "base64") : undefined;
  if (value instanceof Uint8Array) return Buffer.from(value); // a copy: the app may zero its own buffer later
  return undefined;
}

/** Every problem at once, each naming the field; never the key material itself. */
export function resolveKeys(owner: string, keys: unknown): ResolvedKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new PitchlyConfigError([
      `${owner}: \`keys\` must be a non-empty array of { id, key }; the first one encrypts, all of them decrypt`,
    ]);
  }
  const issues: string[] = [];
  const resolved: ResolvedKey[] = [];
  const ids = new Set<string>();
  keys.forEach((entry: unknown, i) => {
    const { id, key } = (typeof entry === "object" && entry !== null ? entry : {}) as Partial<EncryptionKey>;
    if (typeof id !== "string" || !KEY_ID.test(id))
      issues.push(`${owner}: \`keys[${i}].id\` must match ${KEY_ID.source} (it is stored in every record)`);
    else if (ids.has(id)) issues.push(`${owner}: \`keys[${i}].id\` ${JSON.stringify(id)} is used twice`);
    else ids.add(id);
    const aes = keyBytes(key);
    if (aes === undefined || aes.length !== 32) {
      issues.push(
        `${owner}: \`keys[${i}].key\` must be 32 bytes: a Buffer, or base64 of 32 random bytes (openssl rand -base64 32)` +
          (aes === undefined ? "" : `; got ${aes.length} bytes`),
      );
      return;
    }
    const twin = resolved.findIndex((other) => other.aes.equals(aes));
    if (twin !== -1) issues.push(`${owner}: \`keys[${i}].key\` is the same key as \`keys[${twin}].key\``);
    resolved.push({
      id: typeof id === "string" ? id : "",
      aes,
      mac: Buffer.from(hkdfSync("sha256", aes, Buffer.alloc(0), MAC_INFO, 32)),
    });
  });
  if (issues.length > 0) throw new PitchlyConfigError(issues);
  return resolved;
}
