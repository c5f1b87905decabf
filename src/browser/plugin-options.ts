// Options of connectPitchlyPlugin, checked once so a typo fails at start-up rather than as silently dropped messages.
import { PitchlyBrowserError } from "./errors.js";
import { parseHttpUrl } from "./options.js";
import type { PitchlyRawMessage, PitchlyStateMessage, PitchlyPluginState } from "./plugin-messages.js";

export const DEFAULT_PLATFORM_ORIGIN = "https://platform.pitchly.com";

/** Pitchly reports a person other than the one signed in to this app: sign out and in again. */
export interface PitchlyPersonMismatch {
  /** `person.personId` as Pitchly reported it. */
  pitchlyPersonId: string;
  /** The person this app's session is signed in as. */
  signedInPersonId: string;
}

/** One accepted, well-formed known message, with the whole state after it was applied. */
export type PitchlyPluginChange = PitchlyStateMessage & { state: Readonly<PitchlyPluginState> };

export interface PitchlyPluginOptions {
  /** The only origin messages are accepted from and `ready` is sent to; default https://platform.pitchly.com. */
  platformOrigin?: string;
  /**
   * Pitchly person id (`psn…`) this page's session is signed in as; `null` = signed out, absent = not known yet
   * (call `setSignedInPersonId` once it is). No mismatch is reported until both sides are known.
   */
  signedInPersonId?: string | null;
  /** Every accepted message as it arrived, including types this package does not know. */
  onMessage?: (message: PitchlyRawMessage) => void;
  onChange?: (change: PitchlyPluginChange) => void;
  onPersonMismatch?: (mismatch: PitchlyPersonMismatch) => void;
}

export interface CheckedPluginOptions {
  platformOrigin: string;
  signedInPersonId: string | null | undefined;
  onMessage: ((message: PitchlyRawMessage) => void) | undefined;
  onChange: ((change: PitchlyPluginChange) => void) | undefined;
  onPersonMismatch: ((mismatch: PitchlyPersonMismatch) => void) | undefined;
}

function invalid(message: string): PitchlyBrowserError {
  return new PitchlyBrowserError("invalid_options", message);
}

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 100)) : typeof value;
}

/** An exact origin (scheme://host[:port]); event.origin is compared to it as a string, so nothing else may differ. */
export function checkOrigin(value: unknown, field: string): string {
  const url = parseHttpUrl(value);
  if (url === undefined || url.origin !== value) {
    throw invalid(
      `${field} must be an origin like ${DEFAULT_PLATFORM_ORIGIN}: scheme, lower-case host and port only, ` +
        `no path or trailing slash (got ${shown(value)})`,
    );
  }
  return url.origin;
}

export function checkPersonId(value: unknown, field: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string" || value === "") {
    throw invalid(`${field} must be a non-empty string (a Pitchly person id), null or absent (got ${shown(value)})`);
  }
  return value;
}

function callback<T>(opts: Record<string, unknown>, field: string): T | undefined {
  const value = opts[field];
  if (value !== undefined && typeof value !== "function") throw invalid(`${field} must be a function`);
  return value as T | undefined;
}

export function checkPluginOptions(opts: PitchlyPluginOptions): CheckedPluginOptions {
  if (typeof opts !== "object" || opts === null) throw invalid("connectPitchlyPlugin options must be an object");
  const raw = opts as Record<string, unknown>;
  return {
    platformOrigin: checkOrigin(opts.platformOrigin ?? DEFAULT_PLATFORM_ORIGIN, "platformOrigin"),
    signedInPersonId: checkPersonId(opts.signedInPersonId, "signedInPersonId"),
    onMessage: callback(raw, "onMessage"),
    onChange: callback(raw, "onChange"),
    onPersonMismatch: callback(raw, "onPersonMismatch"),
  };
}
