// Turns Pitchly's `error=` on the callback into a PitchlyAuthError; only a known code is ever repeated.
import { PitchlyAuthError } from "../../errors";
import type { ParamResult } from "../query";

/**
 * RFC 6749 §4.1.2.1 codes. Only the user declining is the user's doing; the others say our authorize
 * request or Pitchly itself is broken, so they answer as an upstream failure (the app's error handler
 * renders them). error_description and error_uri are attacker-controlled and never read.
 */
const KNOWN: Record<string, { status: number; retryAfter?: number }> = {
  access_denied: { status: 403 },
  temporarily_unavailable: { status: 503, retryAfter: 30 },
  server_error: { status: 502 },
  invalid_request: { status: 502 },
  unauthorized_client: { status: 502 },
  unsupported_response_type: { status: 502 },
  invalid_scope: { status: 502 },
};

export function providerError(error: ParamResult): PitchlyAuthError {
  const name = error.kind === "one" ? error.value : "";
  const known = Object.hasOwn(KNOWN, name) ? KNOWN[name] : undefined;
  if (!known) {
    // Nothing Pitchly sends: a hand-made or mangled URL, so the request is what is wrong.
    return new PitchlyAuthError("provider_error", "the callback carried an unrecognised error parameter", { status: 400 });
  }
  if (name === "access_denied") return new PitchlyAuthError("access_denied", "the user declined to sign in with Pitchly");
  return new PitchlyAuthError("provider_error", `Pitchly reported an error: ${name}`, {
    status: known.status,
    ...(known.retryAfter !== undefined && { retryAfter: known.retryAfter }),
  });
}
