// PKCE (RFC 7636, S256 only) for public clients: authorize URL, code exchange and refresh without a secret.
import { base64url, randomBase64url } from "./base64url.js";
import { checkCallback, param, parseParams, scrub } from "./callback.js";
import { getCrypto, getFetch, getHistory, getLocation, getNow, getStorage, type BrowserDeps } from "./env.js";
import { PitchlyBrowserError } from "./errors.js";
import { DEFAULT_TOKEN_URL, authorizeUrlWith, clientIdOf, httpUrl } from "./options.js";
import { PKCE_STATE_KEY, rememberState } from "./state-storage.js";
import type { PkceToken } from "./token.js";
import { requestToken } from "./token-endpoint.js";

export interface PkceLoginOptions {
  clientId: string;
  redirectUri: string;
  /** Defaults to https://v2.pitchly.net/oauth/authorize. */
  authorizeUrl?: string;
  /** Defaults to https://v2.pitchly.net/oauth/token. */
  tokenUrl?: string;
  scope?: string;
}

const OAUTH_QUERY_NAMES = ["code", "state", "error", "error_description", "error_uri"];
const OAUTH_ANSWER_NAMES = ["code", "state", "error"];

function queryParams(search: string): URLSearchParams {
  return new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
}

/** base64url(SHA-256(verifier)); there is deliberately no `plain` fallback. */
async function s256(deps: BrowserDeps, verifier: string): Promise<string> {
  const subtle = getCrypto(deps).subtle;
  if (subtle === undefined) {
    throw new PitchlyBrowserError(
      "browser_unsupported",
      "PKCE needs crypto.subtle, which browsers only offer on https:// pages and localhost",
    );
  }
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Builds the authorize URL (code_challenge_method=S256) and remembers state + verifier in sessionStorage. */
export async function buildPkceAuthorizeUrl(opts: PkceLoginOptions, deps: BrowserDeps = {}): Promise<string> {
  httpUrl(opts.tokenUrl ?? DEFAULT_TOKEN_URL, "tokenUrl");
  const crypto = getCrypto(deps);
  const state = randomBase64url(crypto, 32);
  const verifier = randomBase64url(crypto, 32);
  const challenge = await s256(deps, verifier);
  const url = authorizeUrlWith(opts, "code", {
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const now = getNow(deps);
  rememberState(getStorage(deps), PKCE_STATE_KEY, { state, createdAt: now, verifier }, now);
  return url;
}

export async function startPkceLogin(opts: PkceLoginOptions, deps: BrowserDeps = {}): Promise<void> {
  const url = await buildPkceAuthorizeUrl(opts, deps);
  getLocation(deps).assign(url);
}

/** True when the current query string looks like Pitchly's authorization answer (code, error or state). */
export function hasPkceCallback(deps: BrowserDeps = {}): boolean {
  const params = queryParams(getLocation(deps).search);
  return OAUTH_ANSWER_NAMES.some((name) => params.has(name));
}

/**
 * On the redirect page: removes the query from the address bar first, checks the single-use state,
 * then exchanges the code with the stored verifier (no client secret).
 */
export async function completePkceLogin(opts: PkceLoginOptions, deps: BrowserDeps = {}): Promise<PkceToken> {
  const location = getLocation(deps);
  const history = getHistory(deps);
  const search = location.search;
  scrub(history, location.pathname);

  const clientId = clientIdOf(opts.clientId);
  httpUrl(opts.redirectUri, "redirectUri");
  const tokenUrl = httpUrl(opts.tokenUrl ?? DEFAULT_TOKEN_URL, "tokenUrl").toString();
  const params = parseParams(search.startsWith("?") ? search.slice(1) : search);
  if (!OAUTH_ANSWER_NAMES.some((name) => params.has(name))) {
    throw new PitchlyBrowserError("no_callback", "The URL query carries no answer from Pitchly");
  }
  const pending = checkCallback(params, {
    storage: getStorage(deps),
    storageKey: PKCE_STATE_KEY,
    now: getNow(deps),
    uniqueNames: OAUTH_QUERY_NAMES,
  });
  const code = param(params, "code");
  if (code === undefined || code === "") {
    throw new PitchlyBrowserError("token_response_invalid", "Pitchly's answer carries no authorization code");
  }
  if (pending.verifier === undefined) {
    throw new PitchlyBrowserError("state_mismatch", "No PKCE verifier is stored for this state; start the login again");
  }
  return requestToken(
    getFetch(deps.fetch),
    tokenUrl,
    {
      grant_type: "authorization_code",
      code,
      redirect_uri: opts.redirectUri,
      client_id: clientId,
      code_verifier: pending.verifier,
    },
    () => getNow(deps),
  );
}

/** Trades a (single-use) refresh token for a new pair; keeps the old refresh token if none comes back. */
export async function refreshPkceToken(opts: PkceLoginOptions, refreshToken: string, deps: BrowserDeps = {}): Promise<PkceToken> {
  const clientId = clientIdOf(opts.clientId);
  const tokenUrl = httpUrl(opts.tokenUrl ?? DEFAULT_TOKEN_URL, "tokenUrl").toString();
  if (typeof refreshToken !== "string" || refreshToken === "") {
    throw new PitchlyBrowserError("invalid_options", "refreshToken must be a non-empty string");
  }
  const token = await requestToken(
    getFetch(deps.fetch),
    tokenUrl,
    { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId },
    () => getNow(deps),
  );
  return token.refreshToken === undefined ? { ...token, refreshToken } : token;
}
