// Waiting on another process's refresh lock: poll for its rotated pair, or for the lock, in one span.
import { orUnavailable, unavailable } from "../pitchly/unavailable";
import type { TokenSet } from "../pitchly/token-set";
import type { LockHandle, RefreshLock } from "../stores/token-store";
import { recordLockWait } from "../telemetry/metrics";
import { inSpan } from "../telemetry/spans";

const POLL_MIN_MS = 20;
const POLL_MAX_MS = 80;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type LockWaitResult = { handle: LockHandle } | { adopted: TokenSet };

/**
 * Another process holds `key`: wait for its rotated pair instead of redeeming the token again, or for
 * the lock itself if that process went away. Gives up (pitchly_unavailable) after twice the lease.
 */
export function waitForLock(
  lock: RefreshLock,
  key: string,
  ttlMs: number,
  read: () => Promise<TokenSet | undefined>,
  seenAccessToken: string,
): Promise<LockWaitResult> {
  const started = performance.now();
  return inSpan("pitchly.lock.wait", {}, async (span) => {
    const deadline = Date.now() + ttlMs * 2;
    const done = (outcome: "adopted" | "acquired" | "timeout") => {
      span.setAttribute("pitchly.lock.outcome", outcome);
      recordLockWait(performance.now() - started, outcome);
    };
    for (;;) {
      await sleep(POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS));
      const current = await read();
      if (current && current.accessToken !== seenAccessToken) {
        done("adopted");
        return { adopted: current };
      }
      if (Date.now() > deadline) {
        done("timeout");
        throw unavailable("timed out waiting for another process's refresh");
      }
      const handle = await orUnavailable(lock.acquire(key, ttlMs), "the refresh lock");
      if (handle) {
        done("acquired");
        return { handle };
      }
    }
  });
}
