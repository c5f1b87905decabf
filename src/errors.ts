// The package's typed errors: one stable `code` per failure, so apps and the README can key on it.

/** Every code a `PitchlyAuthError` can carry; the README's troubleshooting section follows this list. */
export type PitchlyAuthErrorCode =
  | "state_missing"
  | "state_mismatch"
  | "state_expired"
  | "access_denied"
  | "provider_error"
  | "token_exchange_failed"
  | "token_response_invalid"
  | "login_required"
  | "refresh_rejected"
  | "pitchly_unavailable"
  | "session_missing"
  | "cross_site_request"
  | "profile_failed";

const defaultStatus: Record<PitchlyAuthErrorCode, number> = {
  state_missing: 400,
  state_mismatch: 400,
  state_expired: 400,
  access_denied: 403,
  provider_error: 502,
  token_exchange_failed: 502,
  token_response_invalid: 502,
  login_required: 401,
  refresh_rejected: 401,
  pitchly_unavailable: 503,
  session_missing: 500,
  cross_site_request: 403,
  profile_failed: 502,
};

/**
 * Every warning the startup and first-request self-checks can log, as the `code` field of the log line;
 * the README's troubleshooting table follows this list.
 */
export const PITCHLY_WARNINGS = {
  /** A redirect, authorize, token or GraphQL URL uses plain http to a non-loopback host. */
  CLEARTEXT_HTTP: "PITCHLY_CLEARTEXT_HTTP",
  /** sameSite 'strict' drops the cookie on Pitchly's redirect back: every sign-in fails with state_mismatch. */
  SESSION_SAMESITE_STRICT: "PITCHLY_SESSION_SAMESITE_STRICT",
  /** A secure cookie without trust proxy behind TLS termination is never set. */
  SESSION_SECURE_WITHOUT_TRUST_PROXY: "PITCHLY_SESSION_SECURE_WITHOUT_TRUST_PROXY",
  SESSION_NOT_HTTPONLY: "PITCHLY_SESSION_NOT_HTTPONLY",
  SESSION_MEMORY_STORE: "PITCHLY_SESSION_MEMORY_STORE",
  /** The router is mounted where redirectUri's path does not lead: the callback would 404. */
  MOUNT_MISMATCH: "PITCHLY_MOUNT_MISMATCH",
  /** The login request's host is not redirectUri's: the session cookie will not come back (state_mismatch). */
  HOST_MISMATCH: "PITCHLY_HOST_MISMATCH",
  /** An onLogout / onRefresh / onRefreshFailed hook threw or rejected; the request went on regardless. */
  HOOK_FAILED: "PITCHLY_HOOK_FAILED",
  /** plugin: inside Pitchly's iframe the app is a third party; a cookie that is not SameSite=None is never sent there. */
  PLUGIN_COOKIE_NOT_SAMESITE_NONE: "PITCHLY_PLUGIN_COOKIE_NOT_SAMESITE_NONE",
  /** plugin: browsers drop a SameSite=None cookie that is not Secure. */
  PLUGIN_COOKIE_NOT_SECURE: "PITCHLY_PLUGIN_COOKIE_NOT_SECURE",
  /** plugin: browsers that block third-party cookies keep only Partitioned (CHIPS) ones in a frame. */
  PLUGIN_COOKIE_NOT_PARTITIONED: "PITCHLY_PLUGIN_COOKIE_NOT_PARTITIONED",
  /** plugin: a TLS-terminating proxy says https, Express does not trust it, so the Secure cookie is never set. */
  PLUGIN_TRUST_PROXY_UNSET: "PITCHLY_PLUGIN_TRUST_PROXY_UNSET",
  /** plugin: the app's pages send a Content-Security-Policy frame-ancestors without the platform origin. */
  PLUGIN_FRAME_ANCESTORS: "PITCHLY_PLUGIN_FRAME_ANCESTORS",
  /** plugin: the app's pages send X-Frame-Options (DENY or SAMEORIGIN) and no frame-ancestors to override it. */
  PLUGIN_X_FRAME_OPTIONS: "PITCHLY_PLUGIN_X_FRAME_OPTIONS",
} as const;

export type PitchlyWarningCode = (typeof PITCHLY_WARNINGS)[keyof typeof PITCHLY_WARNINGS];

/** Misconfiguration found when `pitchlyAuth()` (or an adapter) is created. */
export class PitchlyConfigError extends Error {
  readonly code = "config_invalid" as const;
  /** One human-readable line per bad field. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`express-pitchly: invalid options:\n  - ${issues.join("\n  - ")}`);
    this.name = "PitchlyConfigError";
    this.issues = issues;
  }
}

export interface PitchlyAuthErrorInit {
  status?: number;
  cause?: unknown;
  /** Seconds, sent as `Retry-After` for `pitchly_unavailable`. */
  retryAfter?: number;
}

/** A failure of the sign-in flow or of keeping tokens fresh; `status` is what the app should answer. */
export class PitchlyAuthError extends Error {
  readonly code: PitchlyAuthErrorCode;
  readonly status: number;
  /** Alias of `status`, read by Express's default error handler. */
  readonly statusCode: number;
  readonly expose = true;
  readonly retryAfter?: number;

  constructor(code: PitchlyAuthErrorCode, message: string, init: PitchlyAuthErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "PitchlyAuthError";
    this.code = code;
    this.status = init.status ?? defaultStatus[code];
    this.statusCode = this.status;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
}

/** One error as Pitchly's GraphQL endpoint reports it. */
export interface PitchlyGraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/** Pitchly answered the query with `errors` (other than an invalid token). */
export class PitchlyGraphQLError extends Error {
  readonly code = "graphql_error" as const;
  readonly status = 502;
  readonly errors: readonly PitchlyGraphQLErrorEntry[];
  /** Partial data, when Pitchly sent some alongside the errors. */
  readonly data: unknown;

  constructor(errors: readonly PitchlyGraphQLErrorEntry[], data?: unknown) {
    const first = errors[0]?.message ?? "unknown error";
    super(`Pitchly GraphQL error: ${first}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ""}`);
    this.name = "PitchlyGraphQLError";
    this.errors = errors;
    this.data = data;
  }
}

export function isPitchlyAuthError(err: unknown, code?: PitchlyAuthErrorCode): err is PitchlyAuthError {
  return err instanceof PitchlyAuthError && (code === undefined || err.code === code);
}

/** Why a token store could not hand back a stored record; the README's encryption section explains each. */
export type PitchlyTokenStoreErrorCode = "record_unsealed" | "record_malformed" | "key_unknown" | "record_tampered";

/**
 * A stored record this store will not trust (EncryptedTokenStore). The core treats it like a store
 * outage: `503 pitchly_unavailable`, nothing deleted, so restoring the key or the row fixes it.
 */
export class PitchlyTokenStoreError extends Error {
  readonly code: PitchlyTokenStoreErrorCode;

  constructor(code: PitchlyTokenStoreErrorCode, message: string) {
    super(message);
    this.name = "PitchlyTokenStoreError";
    this.code = code;
  }
}
