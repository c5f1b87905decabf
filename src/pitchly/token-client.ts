// Speaks to Pitchly's token endpoint (code exchange, refresh) and tells a dead grant from a hiccup.
import { PitchlyAuthError } from "../errors";
import type { HttpClient } from "./http-client";
import { readTokenAnswer } from "./token-answer";
import type { TokenSet } from "./token-set";
import { isOverloaded, noAnswer, overloaded, unavailable } from "./unavailable";
import { inSpan, serverAttributes, type SpanHandle } from "../telemetry/spans";

const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export interface TokenClientConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The generation's documented access-token lifetime, for answers without `expires_in`. */
  defaultLifetimeSeconds: number;
}

type Purpose = "exchange" | "refresh";

/** Refusals that mean "this grant cannot be refreshed as it is": the user signs in again. */
const GRANT_DEAD = new Set(["invalid_grant", "invalid_scope"]);

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
    return inSpan("pitchly.token.exchange", this.spanAttributes("authorization_code"), (span) => this.call("exchange", form, undefined, span));
  }

  /**
   * RFC 6749 §6: a refresh may not ask for more than was granted, so it asks for exactly the scope
   * Pitchly granted (empty included), and for none when Pitchly never said (which means "as granted").
   */
  refresh(current: TokenSet & { refreshToken: string }): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: current.refreshToken };
    if (current.scope !== undefined) form.scope = current.scope;
    return inSpan("pitchly.token.refresh", this.spanAttributes("refresh_token"), (span) => this.call("refresh", form, current, span));
  }

  private spanAttributes(grantType: string) {
    return { ...serverAttributes(this.config.tokenUrl), "pitchly.oauth.grant_type": grantType };
  }

  private async call(purpose: Purpose, form: Record<string, string>, previous?: TokenSet, span?: SpanHandle): Promise<TokenSet> {
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
      throw noAnswer("Pitchly's token endpoint", err);
    }
    span?.setAttribute("http.response.status_code", answer.status);
    if (isOverloaded(answer.status)) throw overloaded("Pitchly's token endpoint", answer.status, answer.retryAfter);
    if (answer.status !== 200) throw rejected(purpose, answer.status, oauthErrorCode(answer.body));
    const read = readTokenAnswer(answer.body, {
      defaultLifetimeSeconds: this.config.defaultLifetimeSeconds,
      refusesZeroLifetime: purpose === "refresh",
      ...(previous?.refreshToken !== undefined && { previousRefreshToken: previous.refreshToken }),
      ...(previous?.scope !== undefined && { previousScope: previous.scope }),
    });
    if (!read.ok) throw malformed(purpose, read.what);
    return read.tokens;
  }
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
    const dead = code !== undefined && GRANT_DEAD.has(code);
    return new PitchlyAuthError(dead ? "refresh_rejected" : "token_exchange_failed", `Pitchly refused the refresh (${label})`, {
      status: dead ? 401 : 502,
    });
  }
  return new PitchlyAuthError("token_exchange_failed", `Pitchly refused the code exchange (${label})`, {
    status: code === "invalid_grant" ? 400 : 502,
  });
}
