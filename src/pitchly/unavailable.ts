// The one policy for "cannot answer right now, try again in a few seconds": Pitchly, the token store or the lock.
import { PitchlyAuthError } from "../errors";
import { TransportError } from "./http-client";

/** Sent as `Retry-After` whenever we, not Pitchly, pick the delay. */
export const RETRY_AFTER_SECONDS = 5;

export function unavailable(message: string, cause?: unknown, retryAfter = RETRY_AFTER_SECONDS): PitchlyAuthError {
  return new PitchlyAuthError("pitchly_unavailable", message, {
    ...(cause !== undefined && { cause }),
    retryAfter,
  });
}

/** Retry-After is Pitchly's to set, but a value outside 1 s…1 h is a bug we will not amplify. */
export const RETRY_AFTER_MIN_SECONDS = 1;
export const RETRY_AFTER_MAX_SECONDS = 3600;

/** Errors carrying a delay Pitchly asked for (429/503 with Retry-After), as opposed to one we picked. */
const askedByPitchly = new WeakSet<PitchlyAuthError>();

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; clamped to 1…3600 s; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  let seconds: number;
  if (/^\d{1,10}$/.test(value)) seconds = Number(value);
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at) || !/[a-z]/i.test(value)) return undefined;
    seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, seconds));
}

/** Pitchly said "overloaded" (429/5xx); with a readable Retry-After it is remembered as Pitchly's own delay. */
export function overloaded(what: string, status: number, retryAfterHeader: string | undefined): PitchlyAuthError {
  const seconds = parseRetryAfter(retryAfterHeader);
  if (seconds === undefined) return unavailable(`${what} answered HTTP ${status}`);
  const err = new PitchlyAuthError("pitchly_unavailable", `${what} answered HTTP ${status} (Retry-After ${seconds} s)`, {
    retryAfter: seconds,
  });
  askedByPitchly.add(err);
  return err;
}

/** The delay Pitchly itself asked for, when `err` came from such an answer. */
export function pitchlyRetryAfter(err: unknown): number | undefined {
  return err instanceof PitchlyAuthError && askedByPitchly.has(err) ? err.retryAfter : undefined;
}

/** A call to `what` that never produced a complete answer (timeout, network, oversized). */
export function noAnswer(what: string, err: unknown): PitchlyAuthError {
  const reason = err instanceof TransportError ? err.reason : "network";
  return unavailable(`${what} did not answer (${reason})`, err);
}

/** 5xx and 429 say "later", never "this grant is dead". */
export function isOverloaded(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Runs a call whose failure is an outage (a store, a lock), never a reason to sign anyone out. */
export function orUnavailable<T>(call: Promise<T>, what: string): Promise<T> {
  return call.catch((err: unknown) => Promise.reject(unavailable(`${what} did not answer`, err)));
}
