// PKCE (RFC 7636) checks: only S256 is accepted, as Pitchly plans for public clients.
import { createHash } from "node:crypto";

// Both the verifier and an S256 challenge use the unreserved alphabet; the challenge is always 43 chars.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function isValidChallenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

export function verifyS256(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier)) return false;
  return createHash("sha256").update(verifier).digest("base64url") === challenge;
}
