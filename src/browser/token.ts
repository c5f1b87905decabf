// Token shapes returned to the app, and validation of the fragment / token-endpoint answers they come from.
import { PitchlyBrowserError } from "./errors.js";
import { param, type CallbackParams } from "./callback.js";
import { isRecord } from "./http.js";

export interface BrowserToken {
  accessToken: string;
  /** ms since the epoch, computed from `expires_in` on arrival. */
  expiresAt: number;
  tokenType: string;
  scope?: string;
}

export interface PkceToken extends BrowserToken {
  refreshToken?: string;
}

function invalid(message: string): PitchlyBrowserError {
  return new PitchlyBrowserError("token_response_invalid", message);
}

function checkTokenType(tokenType: string): string {
  if (tokenType.toLowerCase() !== "bearer") throw invalid("Pitchly's answer has a token_type other than Bearer");
  return tokenType;
}

/** The token carried by an implicit-flow fragment (`access_token`, `expires_in`, optional `token_type`, `scope`). */
export function tokenFromParams(params: CallbackParams, now: number): BrowserToken {
  const accessToken = param(params, "access_token");
  if (accessToken === undefined || accessToken === "") throw invalid("Pitchly's answer has no access_token");
  const expiresIn = param(params, "expires_in");
  if (expiresIn === undefined || !/^[1-9][0-9]{0,9}$/.test(expiresIn)) {
    throw invalid("Pitchly's answer has no positive whole expires_in");
  }
  // Pitchly's implicit fragment documents no token_type; a missing one means Bearer.
  const tokenType = checkTokenType(param(params, "token_type") ?? "Bearer");
  const scope = param(params, "scope");
  const token: BrowserToken = { accessToken, expiresAt: now + Number(expiresIn) * 1000, tokenType };
  if (scope !== undefined && scope !== "") token.scope = scope;
  return token;
}

/** The token in a token-endpoint JSON answer; anything malformed throws `token_response_invalid`. */
export function tokenFromJson(body: unknown, now: number): PkceToken {
  if (!isRecord(body)) throw invalid("Pitchly's token answer is not a JSON object");
  const { access_token, expires_in, token_type, refresh_token, scope } = body;
  if (typeof access_token !== "string" || access_token === "") throw invalid("Pitchly's token answer has no access_token");
  if (typeof expires_in !== "number" || !Number.isFinite(expires_in) || expires_in <= 0) {
    throw invalid("Pitchly's token answer has no positive expires_in");
  }
  if (typeof token_type !== "string") throw invalid("Pitchly's token answer has no token_type");
  if (refresh_token !== undefined && (typeof refresh_token !== "string" || refresh_token === "")) {
    throw invalid("Pitchly's token answer has a malformed refresh_token");
  }
  if (scope !== undefined && typeof scope !== "string") throw invalid("Pitchly's token answer has a malformed scope");
  const token: PkceToken = {
    accessToken: access_token,
    expiresAt: now + expires_in * 1000,
    tokenType: checkTokenType(token_type),
  };
  if (scope !== undefined && scope !== "") token.scope = scope;
  if (refresh_token !== undefined) token.refreshToken = refresh_token;
  return token;
}
