// Reading an OAuth redirect answer: parameter parsing, address-bar scrubbing, single-use state, errors.
import { PitchlyBrowserError, errorSuffix } from "./errors.js";
import type { HistoryLike, StorageLike } from "./env.js";
import { takeState, type PendingState } from "./state-storage.js";

export type CallbackParams = Map<string, string[]>;

/** Parses `a=1&b=2` (no leading `#` or `?`), keeping every value of a repeated name. */
export function parseParams(raw: string): CallbackParams {
  const params: CallbackParams = new Map();
  new URLSearchParams(raw).forEach((value, name) => {
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  });
  return params;
}

export function param(params: CallbackParams, name: string): string | undefined {
  return params.get(name)?.[0];
}

/** Replaces the current history entry's URL so codes and tokens leave the address bar and history. */
export function scrub(history: HistoryLike, url: string): void {
  history.replaceState(history.state, "", url);
}

export interface CallbackCheck {
  storage: StorageLike;
  storageKey: string;
  now: number;
  /** Names that must not repeat; `null` means every name. */
  uniqueNames: readonly string[] | null;
}

/**
 * Consumes the answer's state (whatever happens next), then rejects repeated parameters,
 * a missing/unknown/expired/reused state and provider errors, in that order.
 */
export function checkCallback(params: CallbackParams, check: CallbackCheck): PendingState {
  const states = (params.get("state") ?? []).filter((s) => s !== "");
  const pending = states.length > 0 ? takeState(check.storage, check.storageKey, states, check.now) : undefined;

  for (const [name, values] of params) {
    if (values.length > 1 && (check.uniqueNames === null || check.uniqueNames.includes(name))) {
      const shown = /^[a-z_]{1,64}$/.test(name) ? ` "${name}"` : "";
      throw new PitchlyBrowserError("token_response_invalid", `Pitchly's answer repeats a parameter${shown}`);
    }
  }
  if (states.length === 0) {
    throw new PitchlyBrowserError("state_missing", "Pitchly's answer carries no state; start the login again");
  }
  if (pending === undefined) {
    throw new PitchlyBrowserError(
      "state_mismatch",
      "The state in Pitchly's answer is unknown, expired or already used; start the login again",
    );
  }
  const error = param(params, "error");
  if (error === "access_denied") {
    throw new PitchlyBrowserError("access_denied", "The user did not allow access to Pitchly");
  }
  if (error !== undefined) {
    throw new PitchlyBrowserError("provider_error", `Pitchly refused the login${errorSuffix(error)}`);
  }
  return pending;
}
