// "Can we reach Pitchly's token endpoint?" without spending anything: a request no grant or client is named in.
import type { HttpClient } from "./http-client";
import { TransportError } from "./http-client";
import { isOverloaded, parseRetryAfter } from "./unavailable";

/** The probe's answer about the token endpoint; never carries a body or a header value beyond Retry-After. */
export interface TokenEndpointReadiness {
  ok: boolean;
  latencyMs: number;
  /** Pitchly's HTTP status, when it answered. */
  status?: number;
  /** Why it is not ok: `timeout` / `network` / `too_large` (no answer), `overloaded` (429 / 5xx). */
  reason?: "timeout" | "network" | "too_large" | "overloaded";
  /** Pitchly's Retry-After, seconds, on an overloaded answer. */
  retryAfter?: number;
}

const MAX_PROBE_BYTES = 16 * 1024;

/**
 * POSTs `grant_type=express_pitchly_readiness` with no client credentials, no code and no refresh token.
 * It travels exactly the path a refresh does (DNS, proxy, TLS, the token route behind any CDN, which a
 * HEAD or OPTIONS may not reach), and Pitchly can only refuse it (400 unsupported_grant_type, or 401
 * invalid_client): nothing is spent, and no failed authentication is counted against our client_id.
 * Any answer below 500 other than 429 means reachable.
 */
export async function probeTokenEndpoint(http: HttpClient, tokenUrl: string): Promise<TokenEndpointReadiness> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const answer = await http.post(
      tokenUrl,
      { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      "grant_type=express_pitchly_readiness",
      MAX_PROBE_BYTES,
    );
    if (!isOverloaded(answer.status)) return { ok: true, latencyMs: latency(), status: answer.status };
    const retryAfter = parseRetryAfter(answer.retryAfter);
    return {
      ok: false,
      latencyMs: latency(),
      status: answer.status,
      reason: "overloaded",
      ...(retryAfter !== undefined && { retryAfter }),
    };
  } catch (err) {
    return { ok: false, latencyMs: latency(), reason: err instanceof TransportError ? err.reason : "network" };
  }
}
