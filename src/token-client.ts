// Speaks to Pitchly's token endpoint (code exchange, refresh) and tells a dead grant from a hiccup.
import { PitchlyAuthError } from "./errors";
import { HttpClient, TransportError } from "./http-client";
import { readTokenAnswer } from "./token-answer";
import type { TokenSet } from "./token-set";

const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
const RETRY_AFTER_SECONDS = 5;

export interface TokenClientConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

type Purpose = "exchange" | "refresh";

/** Only a short, well-formed OAuth error code may appear in our messages; bodies never do. */
function oauthErrorCode(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const code = (parsed as { error?: unknown } | null)?.error;
    return typeof code === "string" && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

export class TokenClient {
  constructor(private readonly http: HttpClient, private readonly config: TokenClientConfig) {}

  exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: redirectUri };
    if (codeVerifier !== undefined) form.code_verifier = codeVerifier;
    return this.call("exchange", form);
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: refreshToken };
    if (this.config.scope !== undefined) form.scope = this.config.scope;
    return this.call("refresh", form, refreshToken);
  }

  private async call(purpose: Purpose, form: Record<string, string>, previousRefreshToken?: string): Promise<TokenSet> {
    const body = new URLSearchParams({
      ...form,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    }).toString();
    const headers = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    let answer;
    try {
      answer = await this.http.post(this.config.tokenUrl, headers, body, MAX_TOKEN_RESPONSE_BYTES);
    } catch (err) {
      const reason = err instanceof TransportError ? err.reason : "network";
      throw unavailable(`Pitchly's token endpoint did not answer (${reason})`, err);
    }
    if (answer.status >= 500 || answer.status === 429) {
      throw unavailable(`Pitchly's token endpoint answered HTTP ${answer.status}`);
    }
    if (answer.status !== 200) throw rejected(purpose, answer.status, oauthErrorCode(answer.body));
    const read = readTokenAnswer(answer.body, previousRefreshToken);
    if (!read.ok) throw malformed(purpose, read.what);
    return read.tokens;
  }
}

function unavailable(message: string, cause?: unknown): PitchlyAuthError {
  return new PitchlyAuthError("pitchly_unavailable", message, { cause, retryAfter: RETRY_AFTER_SECONDS });
}

function malformed(purpose: Purpose, what: string): PitchlyAuthError {
  const message = `Pitchly's token answer ${what}`;
  // A broken refresh answer is treated like an outage: the stored pair stays and the user is not logged out.
  return purpose === "refresh"
    ? unavailable(message)
    : new PitchlyAuthError("token_response_invalid", message);
}

function rejected(purpose: Purpose, status: number, code: string | undefined): PitchlyAuthError {
  const label = `HTTP ${status}${code ? ` ${code}` : ""}`;
  if (code === "invalid_client") {
    // Our own credentials are wrong: logging the user out would only loop them through login.
    return new PitchlyAuthError(
      "token_exchange_failed",
      `Pitchly rejected this app's credentials (${label}): check clientId and clientSecret`,
      { status: 502 },
    );
  }
  if (purpose === "refresh") {
    return new PitchlyAuthError(
      code === "invalid_grant" ? "refresh_rejected" : "token_exchange_failed",
      `Pitchly refused the refresh (${label})`,
      { status: code === "invalid_grant" ? 401 : 502 },
    );
  }
  return new PitchlyAuthError("token_exchange_failed", `Pitchly refused the code exchange (${label})`, {
    status: code === "invalid_grant" ? 400 : 502,
  });
}
