// Implicit flow (response_type=token) for SPAs: authorize URL with a stored state, then the fragment.
import { randomBase64url } from "./base64url.js";
import { checkCallback, parseParams, scrub } from "./callback.js";
import { getCrypto, getHistory, getLocation, getNow, getStorage, type BrowserDeps } from "./env.js";
import { PitchlyBrowserError } from "./errors.js";
import { authorizeUrlWith } from "./options.js";
import { IMPLICIT_STATE_KEY, rememberState } from "./state-storage.js";
import { tokenFromParams, type BrowserToken } from "./token.js";

export interface ImplicitLoginOptions {
  /** The Pitchly App ID. */
  clientId: string;
  /** Must match a redirect URI registered for the app exactly. */
  redirectUri: string;
  /** Defaults to https://v2.pitchly.net/oauth/authorize. */
  authorizeUrl?: string;
  scope?: string;
}

const OAUTH_FRAGMENT_NAMES = ["access_token", "state", "error"];

function fragmentParams(hash: string): URLSearchParams {
  return new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
}

/** Builds the authorize URL and remembers its fresh state (256 random bits) in sessionStorage. */
export function buildImplicitAuthorizeUrl(opts: ImplicitLoginOptions, deps: BrowserDeps = {}): string {
  const state = randomBase64url(getCrypto(deps), 32);
  const url = authorizeUrlWith(opts, "token", { state });
  const now = getNow(deps);
  rememberState(getStorage(deps), IMPLICIT_STATE_KEY, { state, createdAt: now }, now);
  return url;
}

/** Sends the browser to Pitchly's consent page. */
export function startImplicitLogin(opts: ImplicitLoginOptions, deps: BrowserDeps = {}): void {
  const url = buildImplicitAuthorizeUrl(opts, deps);
  getLocation(deps).assign(url);
}

/** True when the current fragment looks like Pitchly's implicit-flow answer (token, error or state). */
export function hasImplicitCallback(deps: BrowserDeps = {}): boolean {
  const params = fragmentParams(getLocation(deps).hash);
  return OAUTH_FRAGMENT_NAMES.some((name) => params.has(name));
}

/**
 * On the redirect page: reads the token from the fragment, checks the single-use state and always
 * removes the fragment from the address bar and history first, whatever the outcome.
 */
export function completeImplicitLogin(deps: BrowserDeps = {}): BrowserToken {
  const location = getLocation(deps);
  const history = getHistory(deps);
  const hash = location.hash;
  scrub(history, location.pathname + location.search);

  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  const params = parseParams(raw);
  if (!OAUTH_FRAGMENT_NAMES.some((name) => params.has(name))) {
    throw new PitchlyBrowserError("no_fragment", "The URL fragment carries no answer from Pitchly");
  }
  const now = getNow(deps);
  checkCallback(params, { storage: getStorage(deps), storageKey: IMPLICIT_STATE_KEY, now, uniqueNames: null });
  return tokenFromParams(params, now);
}
