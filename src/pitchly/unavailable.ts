// The one policy for "cannot answer right now, try again in a few seconds": Pitchly, the token store or the lock.
import { PitchlyAuthError } from "../errors";
import { TransportError } from "./http-client";

/** Sent as `Retry-After` whenever we, not Pitchly, pick the delay. */
export const RETRY_AFTER_SECONDS = 5;

export function unavailable(message: string, cause?: unknown): PitchlyAuthError {
  return new PitchlyAuthError("pitchly_unavailable", message, {
    ...(cause !== undefined && { cause }),
    retryAfter: RETRY_AFTER_SECONDS,
  });
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
