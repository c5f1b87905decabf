// The one error type the browser helpers throw or reject with, carrying a stable machine-readable code.

export type PitchlyBrowserErrorCode =
  | "no_fragment"
  | "no_callback"
  | "state_missing"
  | "state_mismatch"
  | "access_denied"
  | "provider_error"
  | "token_response_invalid"
  | "token_exchange_failed"
  | "refresh_rejected"
  | "login_required"
  | "graphql_error"
  | "pitchly_unavailable"
  | "invalid_options"
  | "browser_unsupported";

export interface PitchlyBrowserErrorExtra {
  errors?: unknown[];
  status?: number;
  cause?: unknown;
}

export class PitchlyBrowserError extends Error {
  override readonly name = "PitchlyBrowserError";
  readonly code: PitchlyBrowserErrorCode;
  /** GraphQL `errors` array, for `graphql_error`. */
  declare readonly errors?: unknown[];
  /** HTTP status of the answer that caused the error, when there was one. */
  declare readonly status?: number;

  constructor(code: PitchlyBrowserErrorCode, message: string, extra: PitchlyBrowserErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    if (extra.errors !== undefined) this.errors = extra.errors;
    if (extra.status !== undefined) this.status = extra.status;
  }
}

/** An OAuth `error` value safe to echo in a message (never `error_description`), else undefined. */
export function safeErrorCode(value: unknown): string | undefined {
  return typeof value === "string" && /^[a-z_]{1,64}$/.test(value) ? value : undefined;
}

/** " (code)" when the provider's error code is safe to show, else "". */
export function errorSuffix(value: unknown): string {
  const code = safeErrorCode(value);
  return code === undefined ? "" : ` (${code})`;
}
