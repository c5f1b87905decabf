// Token and id formats of each generation (PITCHLY.md "token format", "Who signed in").
import { createHash, randomBytes } from "node:crypto";
import type { Generation } from "./types";

// Meteor's id alphabet (v2 ids are 17-character Meteor ids); the platform's ids use the same length after a prefix.
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";

/** 32 random bytes in base64url: exactly 43 characters, v2's documented token length. */
export const random43 = (): string => randomBytes(32).toString("base64url");

/** A stable 17-character id derived from a seed, so fixtures and default users keep the same ids across runs. */
export function stableId(prefix: string, seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let id = "";
  for (let i = 0; i < 17; i++) id += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return prefix + id;
}

/** v2: 43 characters, no prefix. Platform: `plyu_` + 43 (seen in Pitchly's code). */
export function newAccessToken(generation: Generation): string {
  return generation === "platform" ? `plyu_${random43()}` : random43();
}

// Refresh tokens and codes have no documented format on either generation: prefixed here so leak checks can grep them.
export const newRefreshToken = (): string => `prt_${random43()}`;
export const newCode = (): string => `pac_${random43()}`;

export const DEFAULT_TTL_SECONDS: Record<Generation, number> = { v2: 7200, platform: 3600 };

/** A fresh random id in the generations' shape: prefix + 17 characters of Meteor's alphabet. */
export function randomId(prefix: string): string {
  return stableId(prefix, randomBytes(16).toString("hex"));
}
