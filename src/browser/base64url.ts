// base64url (RFC 4648 §5, no padding) encoding and random tokens from crypto.getRandomValues.
import type { CryptoLike } from "./env.js";

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `byteLength` random bytes, base64url-encoded (32 bytes → 43 characters). */
export function randomBase64url(crypto: CryptoLike, byteLength: number): string {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}
