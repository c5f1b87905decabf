// Form-encoded POST to Pitchly's token endpoint for public (PKCE) clients, mapping failures to error codes.
import type { FetchLike } from "./env.js";
import { PitchlyBrowserError, errorSuffix } from "./errors.js";
import { isRecord, readJson } from "./http.js";
import { tokenFromJson, type PkceToken } from "./token.js";

export type TokenGrant = "authorization_code" | "refresh_token";

export async function requestToken(
  fetchFn: FetchLike,
  tokenUrl: string,
  form: Record<string, string>,
  now: () => number,
): Promise<PkceToken> {
  const grant = form.grant_type as TokenGrant;
  let response: Response;
  try {
    response = await fetchFn(tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(form).toString(),
      credentials: "omit",
    });
  } catch (cause) {
    throw new PitchlyBrowserError("pitchly_unavailable", "Pitchly's token endpoint could not be reached", { cause });
  }
  const status = response.status;
  if (status >= 500 || status === 429) {
    throw new PitchlyBrowserError("pitchly_unavailable", `Pitchly's token endpoint answered ${status}`, { status });
  }
  const body = await readJson(response);
  if (!response.ok) {
    const error = isRecord(body) ? body.error : undefined;
    if (grant === "refresh_token" && error === "invalid_grant") {
      throw new PitchlyBrowserError("refresh_rejected", `Pitchly rejected the refresh token${errorSuffix(error)}`, {
        status,
      });
    }
    throw new PitchlyBrowserError(
      "token_exchange_failed",
      `Pitchly's token endpoint refused the ${grant} grant with ${status}${errorSuffix(error)}`,
      { status },
    );
  }
  return tokenFromJson(body, now());
}
