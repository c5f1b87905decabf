// Default Pitchly endpoints and validation of the options every helper shares.
import { PitchlyBrowserError } from "./errors.js";

export const DEFAULT_AUTHORIZE_URL = "https://v2.pitchly.net/oauth/authorize";
export const DEFAULT_TOKEN_URL = "https://v2.pitchly.net/oauth/token";
export const DEFAULT_GRAPHQL_URL = "https://v2.pitchly.net/graphql";

/** `value` as an absolute http(s) URL, or undefined. */
export function parseHttpUrl(value: unknown): URL | undefined {
  let url: URL;
  try {
    if (typeof value !== "string") return undefined;
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
}

/** Parses `value` as an absolute http(s) URL or throws `invalid_options` naming `field`. */
export function httpUrl(value: unknown, field: string): URL {
  const url = parseHttpUrl(value);
  if (url === undefined) throw new PitchlyBrowserError("invalid_options", `${field} must be an absolute http(s) URL`);
  return url;
}

export function clientIdOf(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new PitchlyBrowserError("invalid_options", "clientId must be a non-empty string");
  }
  return value;
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  authorizeUrl?: string | undefined;
  scope?: string | undefined;
}

/** Checks clientId and redirectUri, then returns the authorize URL with the common parameters set. */
export function authorizeUrlWith(opts: AuthorizeRequest, responseType: "token" | "code", extra: Record<string, string>): string {
  const clientId = clientIdOf(opts.clientId);
  httpUrl(opts.redirectUri, "redirectUri");
  const url = httpUrl(opts.authorizeUrl ?? DEFAULT_AUTHORIZE_URL, "authorizeUrl");
  const params: Record<string, string> = {
    response_type: responseType,
    client_id: clientId,
    redirect_uri: opts.redirectUri,
    ...extra,
  };
  if (opts.scope !== undefined && opts.scope !== "") params.scope = opts.scope;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
