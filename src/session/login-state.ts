// Pending logins in the session: fresh state per login, several tabs at once, single use, 10-minute life.
import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { PitchlyAuthError } from "../errors";
import { orUnavailable } from "../pitchly/unavailable";
import type { RefreshLock } from "../stores/token-store";
import { ExpiringMap } from "./expiring-map";
import type { PendingLogin, SessionWithPitchly } from "./session-access";

export const STATE_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 5;

export function newState(): string {
  return randomBytes(32).toString("base64url");
}

/** RFC 7636 S256: 32 random bytes give a 43-character verifier. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: hash("sha256", verifier, "base64url") };
}

export function addPendingLogin(session: SessionWithPitchly, login: PendingLogin, now = Date.now()): void {
  const live = (Array.isArray(session.pitchlyLogins) ? session.pitchlyLogins : []).filter(
    (entry: PendingLogin) => now - entry.createdAt < STATE_TTL_MS,
  );
  live.push(login);
  session.pitchlyLogins = live.slice(-MAX_PENDING);
}

// One-shot crypto.hash: a Hash object per digest costs more than the digest of a short string.
const digest = (value: string) => hash("sha256", value, "buffer");

/**
 * Finds and removes the pending login for `state`. Every entry is compared in constant time,
 * so the comparison leaks neither which entry matched nor how much of it.
 */
export function takePendingLogin(session: SessionWithPitchly, state: string): PendingLogin | undefined {
  const pending = Array.isArray(session.pitchlyLogins) ? session.pitchlyLogins : [];
  const wanted = digest(state);
  let found: PendingLogin | undefined;
  for (const entry of pending) {
    if (typeof entry?.state === "string" && timingSafeEqual(digest(entry.state), wanted)) found = entry;
  }
  if (found) {
    const rest = pending.filter((entry: PendingLogin) => entry !== found);
    if (rest.length > 0) session.pitchlyLogins = rest;
    else delete session.pitchlyLogins;
  }
  return found;
}

const MAX_SPENT = 100_000;

/**
 * States this process has accepted in the last 10 minutes. Two requests that loaded the same session
 * before either saved it would both find the pending login; only the first to claim it may go on.
 */
export class SpentStates {
  private readonly spent = new ExpiringMap<string, true>(STATE_TTL_MS, MAX_SPENT);

  /** True the first time a state is claimed, false ever after (within its lifetime). */
  claim(state: string, now = Date.now()): boolean {
    const key = digest(state).toString("base64");
    if (this.spent.has(key, now)) return false;
    this.spent.set(key, true, now);
    return true;
  }
}

/** Claims a state for good before its code is exchanged; rejects when another process got there first. */
export type StateClaim = (state: string) => Promise<void>;

/**
 * With a shared lock, the claim is global: a lease on the state's hash, never released, that outlives
 * the state itself. Without one, SpentStates is all there is (single use per process; see the README).
 */
export function stateClaim(lock: RefreshLock | undefined): StateClaim {
  if (!lock) return async () => undefined;
  return async (state) => {
    const handle = await orUnavailable(lock.acquire(`state:${digest(state).toString("hex")}`, STATE_TTL_MS), "the refresh lock");
    if (!handle) throw new PitchlyAuthError("state_mismatch", "this state was already used by another process");
  };
}
