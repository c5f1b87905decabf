// One refresh per grant: single-flight in this process, and across processes through a RefreshLock.
import type { Logger } from "pino";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import { orUnavailable } from "../pitchly/unavailable";
import type { GrantBackend } from "./grant-backend";
import type { RefreshLock } from "../stores/token-store";
import type { TokenClient } from "../pitchly/token-client";
import type { TokenSet } from "../pitchly/token-set";
import { Backoff, grantScope } from "./backoff";
import { waitForLock } from "./lock-wait";
import { RefreshEvents, newFlight, type Flight } from "./refresh-events";

export class RefreshCoordinator {
  private readonly inflight = new Map<string, { flight: Flight; promise: Promise<TokenSet> }>();
  private readonly backoff: Backoff;

  constructor(
    private readonly tokenClient: TokenClient,
    private readonly logger: Logger,
    private readonly lock: RefreshLock | undefined,
    private readonly lockTtlMs: number,
    private readonly events: RefreshEvents = new RefreshEvents(undefined),
    backoff?: Backoff,
  ) {
    this.backoff = backoff ?? new Backoff(lock, logger);
  }

  /**
   * Returns a pair newer than the one whose access token was `seenAccessToken`: either one
   * somebody else already rotated to, or one this call rotated to. Concurrent callers share it.
   */
  refresh(grantKey: string, backend: GrantBackend, seenAccessToken: string): Promise<TokenSet> {
    const running = this.inflight.get(grantKey);
    if (running) {
      running.flight.joined++;
      return running.promise;
    }
    const flight = newFlight();
    const scope = grantScope(grantKey);
    const work = this.backoff.guard(scope, () =>
      this.lock
        ? this.withLock(this.lock, grantKey, backend, seenAccessToken, flight)
        : this.rotate(backend, seenAccessToken, flight),
    );
    const promise = work
      .then(
        (tokens) => {
          this.events.succeeded(grantKey, flight, tokens);
          return tokens;
        },
        (err: unknown) => {
          // Turned away by a Retry-After we are honouring: no refresh was attempted, so none failed.
          if (!Backoff.isRejection(err)) this.events.failed(grantKey, flight, err);
          throw err;
        },
      )
      .finally(() => this.inflight.delete(grantKey));
    this.inflight.set(grantKey, { flight, promise });
    return promise;
  }

  private async withLock(
    lock: RefreshLock,
    grantKey: string,
    backend: GrantBackend,
    seen: string,
    flight: Flight,
  ): Promise<TokenSet> {
    const key = `refresh:${grantKey}`;
    let handle = await orUnavailable(lock.acquire(key, this.lockTtlMs), "the refresh lock");
    if (!handle) {
      const waited = await waitForLock(lock, key, this.lockTtlMs, () => backend.read(), seen);
      if ("adopted" in waited) return waited.adopted;
      handle = waited.handle;
    }
    const scope = grantScope(grantKey);
    try {
      // Under the lock, right before a token call: has another process been told by Pitchly to wait?
      await this.backoff.checkShared(scope);
      return await this.rotate(backend, seen, flight);
    } catch (err) {
      // Shared before the lock is released, so the next holder cannot slip a call in between.
      await this.backoff.note(scope, err);
      throw err;
    } finally {
      await lock.release(handle).catch((err: unknown) => this.logger.warn({ err }, "could not release the refresh lock"));
    }
  }

  private async rotate(backend: GrantBackend, seen: string, flight: Flight): Promise<TokenSet> {
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
      this.logger.warn(
        { errorCode: isPitchlyAuthError(err) ? err.code : "unknown", reason: (err as Error).message },
        "refresh failed; tokens kept",
      );
      throw err;
    }
    if (await backend.compareAndSet(current.refreshToken, next)) {
      flight.rotated = true;
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
