// checkReadiness(): can this process reach Pitchly's token endpoint and its token store right now?
import { randomBytes } from "node:crypto";
import type { HttpClient } from "../pitchly/http-client";
import { probeTokenEndpoint, type TokenEndpointReadiness } from "../pitchly/token-probe";
import type { TokenStore } from "../stores/token-store";

export interface TokenStoreReadiness {
  ok: boolean;
  /** false: tokens live in the session (the app's session store is the app's to check). */
  configured: boolean;
  latencyMs: number;
  /** The failure's class name (`Error`, `ConnectionTimeoutError`…), never its message. */
  error?: string;
}

/** What `checkReadiness()` resolves to; it never rejects. */
export interface ReadinessReport {
  /** Both checks passed. */
  ready: boolean;
  tokenEndpoint: TokenEndpointReadiness;
  tokenStore: TokenStoreReadiness;
}

async function probeStore(store: TokenStore | undefined): Promise<TokenStoreReadiness> {
  if (!store) return { ok: true, configured: false, latencyMs: 0 };
  const started = performance.now();
  try {
    // A key nobody can own: the read proves the store answers and touches no grant.
    await store.get(`readiness-probe:${randomBytes(12).toString("base64url")}`);
    return { ok: true, configured: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      configured: true,
      latencyMs: Math.round(performance.now() - started),
      error: err instanceof Error ? err.name : "unknown",
    };
  }
}

/** Concurrent health checks share one probe of each kind, so a busy health endpoint costs Pitchly one request. */
export function createReadinessCheck(
  http: HttpClient,
  tokenUrl: string,
  store: TokenStore | undefined,
): () => Promise<ReadinessReport> {
  let running: Promise<ReadinessReport> | undefined;
  return () => {
    running ??= Promise.all([probeTokenEndpoint(http, tokenUrl), probeStore(store)])
      .then(([tokenEndpoint, tokenStore]) => ({ ready: tokenEndpoint.ok && tokenStore.ok, tokenEndpoint, tokenStore }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}
