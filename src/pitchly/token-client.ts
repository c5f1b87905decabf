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
  /** The app's `scope` option: sent (even empty, as `scope=`) at the exchange, and at a refresh when Pitchly never said what it granted. */
  scope?: string | undefined;
}

type Purpose = "exchange" | "refresh" | "organization";

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
  constructor(
    private readonly http: HttpClient,
    private readonly config: TokenClientConfig,
  ) {}

  exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: redirectUri };
    if (codeVerifier !== undefined) form.code_verifier = codeVerifier;
    // Pitchly: `scope` at the exchange caps this access token only; the grant keeps the app's permissions.
    if (this.config.scope !== undefined) form.scope = this.config.scope;
    return inSpan("pitchly.token.exchange", this.spanAttributes("authorization_code"), (span) =>
      this.call("exchange", form, undefined, span),
    );
  }

  /**
   * RFC 6749 §6: a refresh may not ask for more than was granted, so it asks for exactly the scope
   * Pitchly granted (empty included); when Pitchly never said, the app's own `scope` option, because on
   * Pitchly a refresh without `scope` mints a token with the grant's full permissions.
   */
  refresh(current: TokenSet & { refreshToken: string }): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: current.refreshToken };
    const scope = current.scope ?? this.config.scope;
    if (scope !== undefined) form.scope = scope;
    return inSpan("pitchly.token.refresh", this.spanAttributes("refresh_token"), (span) =>
      this.call("refresh", form, current, span),
    );
  }

  /** The platform's app token inside one organization (`client_credentials` with `organization_id`); no refresh token. */
  organizationToken(organizationId: string): Promise<TokenSet> {
    const form = { grant_type: "client_credentials", organization_id: organizationId };
    return inSpan("pitchly.token.organization", this.spanAttributes("client_credentials"), (span) =>
      this.call("organization", form, undefined, span),
    );
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
      refusesZeroLifetime: purpose !== "exchange",
      ...(previous?.refreshToken !== undefined && { previousRefreshToken: previous.refreshToken }),
      ...(previous?.scope !== undefined && { previousScope: previous.scope }),
    });
    if (!read.ok) throw malformed(purpose, read.what);
    return read.tokens;
  }
}

function malformed(purpose: Purpose, what: string): PitchlyAuthError {
  const message = `Pitchly's token answer ${what}`;
  // A broken refresh (or app-token) answer is treated like an outage: the stored pair stays, nobody is logged out.
  return purpose !== "exchange" ? unavailable(message) : new PitchlyAuthError("token_response_invalid", message);
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
  if (purpose === "organization") {
    return new PitchlyAuthError("token_exchange_failed", `Pitchly refused an organization token (${label})`, { status: 502 });
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
