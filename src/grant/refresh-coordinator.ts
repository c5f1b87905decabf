// One refresh per grant: single-flight in this process, and across processes through a RefreshLock.
import type { Logger } from "pino";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import { orUnavailable, unavailable } from "../pitchly/unavailable";
import type { GrantBackend } from "./grant-backend";
import type { RefreshLock } from "../stores/token-store";
import type { TokenClient } from "../pitchly/token-client";
import type { TokenSet } from "../pitchly/token-set";

const POLL_MIN_MS = 20;
const POLL_MAX_MS = 80;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RefreshCoordinator {
  private readonly inflight = new Map<string, Promise<TokenSet>>();

  constructor(
    private readonly tokenClient: TokenClient,
    private readonly logger: Logger,
    private readonly lock: RefreshLock | undefined,
    private readonly lockTtlMs: number,
  ) {}

  /**
   * Returns a pair newer than the one whose access token was `seenAccessToken`: either one
   * somebody else already rotated to, or one this call rotated to. Concurrent callers share it.
   */
  refresh(grantKey: string, backend: GrantBackend, seenAccessToken: string): Promise<TokenSet> {
    const running = this.inflight.get(grantKey);
    if (running) return running;
    const started = (this.lock ? this.withLock(this.lock, grantKey, backend, seenAccessToken) : this.rotate(backend, seenAccessToken))
      .finally(() => this.inflight.delete(grantKey));
    this.inflight.set(grantKey, started);
    return started;
  }

  private async withLock(lock: RefreshLock, grantKey: string, backend: GrantBackend, seen: string): Promise<TokenSet> {
    const key = `refresh:${grantKey}`;
    const deadline = Date.now() + this.lockTtlMs * 2;
    for (;;) {
      const handle = await orUnavailable(lock.acquire(key, this.lockTtlMs), "the refresh lock");
      if (handle) {
        try {
          return await this.rotate(backend, seen);
        } finally {
          await lock.release(handle).catch((err: unknown) => this.logger.warn({ err }, "could not release the refresh lock"));
        }
      }
      // Another process is refreshing: wait for its rotated pair instead of redeeming the token again.
      await sleep(POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS));
      const current = await backend.read();
      if (current && current.accessToken !== seen) return current;
      if (Date.now() > deadline) {
        throw unavailable("timed out waiting for another process's refresh");
      }
    }
  }

  private async rotate(backend: GrantBackend, seen: string): Promise<TokenSet> {
    const current = await backend.read();
    if (!current) throw new PitchlyAuthError("login_required", "no Pitchly tokens for this grant");
    if (current.accessToken !== seen) return current;
    const { refreshToken } = current;
    if (!refreshToken) throw new PitchlyAuthError("login_required", "the access token expired and there is no refresh token");
    let next: TokenSet;
    try {
      next = await this.tokenClient.refresh({ ...current, refreshToken });
    } catch (err) {
      if (isPitchlyAuthError(err, "refresh_rejected")) return this.afterRejection(backend, current, err);
      this.logger.warn({ errorCode: isPitchlyAuthError(err) ? err.code : "unknown", reason: (err as Error).message }, "refresh failed; tokens kept");
      throw err;
    }
    if (await backend.compareAndSet(current.refreshToken, next)) {
      this.logger.debug("refreshed Pitchly tokens");
      return next;
    }
    // Someone rotated while we were out; theirs is the stored truth.
    const stored = await backend.read();
    if (stored) return stored;
    throw new PitchlyAuthError("login_required", "the grant disappeared during refresh");
  }

  /** invalid_grant: maybe another process already rotated; only if nobody did is the grant dead. */
  private async afterRejection(backend: GrantBackend, used: TokenSet, err: PitchlyAuthError): Promise<TokenSet> {
    const again = await backend.read();
    if (again?.refreshToken && again.refreshToken !== used.refreshToken) return again;
    this.logger.info("Pitchly refused the refresh token; the user must sign in again");
    await backend.forget();
    throw err;
  }
}
