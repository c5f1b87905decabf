// "No call for this grant until T": Pitchly's Retry-After, kept in this process and, through a shared lock, in all.
import type { Logger } from "pino";
import {
  RETRY_AFTER_MAX_SECONDS,
  RETRY_AFTER_MIN_SECONDS,
  RETRY_AFTER_SECONDS,
  pitchlyRetryAfter,
  unavailable,
} from "../pitchly/unavailable";
import type { RefreshLock } from "../stores/token-store";

const MAX_ENTRIES = 100_000;
/** A probe lease short enough to lapse on its own if the release is lost. */
const PROBE_MS = 1000;

const markerKey = (scope: string) => `backoff:${scope}`;
const clampSeconds = (s: number) => Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, s));

/** Errors that turned a call away before it was made. */
const rejections = new WeakSet<object>();
/** Errors whose Retry-After was already remembered. */
const noted = new WeakSet<object>();

/**
 * Scopes are `grant:<grantKey>` (or `organization:<id>`). In process: a map of deadlines, read without
 * any I/O. Across processes: the process Pitchly told to wait holds the lock key `backoff:<scope>` for
 * exactly that long, so it expires by itself; another process probes it only right before it would
 * call the token endpoint, under its refresh lock: a probe (acquire + release) per refresh, nothing per request.
 */
export class Backoff {
  private readonly until = new Map<string, number>();

  /** Was `err` this class turning a call away (no call to Pitchly was made)? */
  static isRejection(err: unknown): boolean {
    return typeof err === "object" && err !== null && rejections.has(err);
  }

  constructor(
    private readonly lock: RefreshLock | undefined,
    private readonly logger: Logger,
  ) {}

  /** Rejects at once, with the seconds left, while this process knows of a delay for `scope`. */
  check(scope: string, now = Date.now()): void {
    const until = this.until.get(scope);
    if (until === undefined) return;
    if (until <= now) {
      this.until.delete(scope);
      return;
    }
    const left = clampSeconds(Math.ceil((until - now) / 1000));
    throw rejection(unavailable("Pitchly asked us to wait before calling again for this grant", undefined, left));
  }

  /** `check`, plus another process's marker; call it only when about to spend a call to Pitchly. */
  async checkShared(scope: string): Promise<void> {
    this.check(scope);
    if (!this.lock) return;
    const probe = await this.lock.acquire(markerKey(scope), PROBE_MS);
    if (probe) {
      await this.lock.release(probe).catch((err: unknown) => this.logger.debug({ err }, "could not release a backoff probe"));
      return;
    }
    // A lock that can say how long the marker lasts gives every process Pitchly's own delay; else our default.
    const ms = await this.lock.remainingMs?.(markerKey(scope)).catch(() => undefined);
    if (ms !== undefined) this.until.set(scope, Date.now() + ms);
    const seconds = ms === undefined ? RETRY_AFTER_SECONDS : clampSeconds(Math.ceil(ms / 1000));
    throw rejection(
      unavailable("another process was asked by Pitchly to wait before calling again for this grant", undefined, seconds),
    );
  }

  /** Runs one call to Pitchly for `scope`; a Retry-After in its failure is remembered before the error goes on. */
  async guard<T>(scope: string, call: () => Promise<T>): Promise<T> {
    this.check(scope);
    try {
      return await call();
    } catch (err) {
      await this.note(scope, err);
      throw err;
    }
  }

  /**
   * Remembers the Retry-After in `err`, once per error. Under a refresh lock, call it before releasing
   * the lock: the next process to take it must already see the marker.
   */
  async note(scope: string, err: unknown): Promise<void> {
    const seconds = pitchlyRetryAfter(err);
    if (seconds === undefined || noted.has(err as object)) return;
    noted.add(err as object);
    await this.remember(scope, seconds);
  }

  private async remember(scope: string, seconds: number): Promise<void> {
    const until = Date.now() + seconds * 1000;
    if (this.until.size >= MAX_ENTRIES) this.prune();
    this.until.set(scope, Math.max(this.until.get(scope) ?? 0, until));
    this.logger.warn({ retryAfter: seconds }, "Pitchly asked us to slow down; no call for this grant until the delay has passed");
    if (!this.lock) return;
    // Not released: its expiry is the end of the delay. A marker already held (another process's) is as good.
    await this.lock.acquire(markerKey(scope), seconds * 1000).catch((err: unknown) => {
      this.logger.warn({ err }, "could not share Pitchly's Retry-After with other processes");
    });
  }

  private prune(): void {
    const now = Date.now();
    for (const [scope, until] of this.until) if (until <= now) this.until.delete(scope);
    // Still full: forget the oldest (a forgotten delay costs one more 429, nothing worse).
    if (this.until.size >= MAX_ENTRIES) this.until.delete(this.until.keys().next().value as string);
  }
}

function rejection<E extends object>(err: E): E {
  rejections.add(err);
  return err;
}

export const grantScope = (grantKey: string) => `grant:${grantKey}`;
export const organizationScope = (organizationId: string) => `organization:${organizationId}`;
