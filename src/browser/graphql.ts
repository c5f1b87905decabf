// POSTs a GraphQL query to Pitchly as the signed-in user; a rejected token sends the user to log in again.
import { getFetch, getNow, type BrowserDeps, type FetchLike } from "./env.js";
import { PitchlyBrowserError } from "./errors.js";
import { isExpired } from "./expiry.js";
import { isRecord, readJson } from "./http.js";
import { startImplicitLogin, type ImplicitLoginOptions } from "./implicit.js";
import { DEFAULT_GRAPHQL_URL, httpUrl } from "./options.js";
import type { BrowserToken } from "./token.js";

export interface BrowserGraphQLOptions {
  /** Defaults to https://v2.pitchly.net/graphql. */
  graphqlUrl?: string;
  /** Called when Pitchly rejects the token (takes precedence over `login`). */
  onTokenInvalid?: () => void | Promise<void>;
  /** When given (and no `onTokenInvalid`), a rejected token restarts the implicit login. */
  login?: ImplicitLoginOptions;
  fetch?: FetchLike;
  /** Globals for the login redirect and the clock (tests, webviews). */
  deps?: BrowserDeps;
}

const TOKEN_INVALID = new Set(["token-invalid", "UNAUTHENTICATED"]);

function isTokenInvalid(error: unknown): boolean {
  if (!isRecord(error)) return false;
  const code = isRecord(error.extensions) ? error.extensions.code : undefined;
  return TOKEN_INVALID.has(String(error.message)) || TOKEN_INVALID.has(String(code));
}

async function loginRequired(opts: BrowserGraphQLOptions, message: string, status?: number): Promise<never> {
  let cause: unknown;
  try {
    if (opts.onTokenInvalid) await opts.onTokenInvalid();
    else if (opts.login) startImplicitLogin(opts.login, opts.deps);
  } catch (error) {
    cause = error;
  }
  throw new PitchlyBrowserError("login_required", message, { status, cause });
}

function unavailable(message: string, status?: number, cause?: unknown): PitchlyBrowserError {
  return new PitchlyBrowserError("pitchly_unavailable", message, { status, cause });
}

/**
 * Sends `query` with the token both as a Bearer header and as the `accessToken` variable (Pitchly v2)
 * and resolves with `data`. Rejects with `login_required`, `graphql_error` (see `.errors`) or
 * `pitchly_unavailable`.
 */
export async function graphql<T = unknown>(
  token: BrowserToken,
  query: string,
  variables: Record<string, unknown> = {},
  opts: BrowserGraphQLOptions = {},
): Promise<T> {
  const url = httpUrl(opts.graphqlUrl ?? DEFAULT_GRAPHQL_URL, "graphqlUrl").toString();
  const deps = opts.deps ?? {};
  if (isExpired(token, 0, getNow(deps))) return loginRequired(opts, "The Pitchly access token has expired");

  let response: Response;
  try {
    response = await getFetch(opts.fetch ?? deps.fetch)(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        Authorization: `Bearer ${token.accessToken}`,
      },
      body: JSON.stringify({ query, variables: { ...variables, accessToken: token.accessToken } }),
      credentials: "omit",
    });
  } catch (cause) {
    throw unavailable("Pitchly's GraphQL endpoint could not be reached", undefined, cause);
  }
  const status = response.status;
  if (status === 401) return loginRequired(opts, "Pitchly rejected the access token", status);
  const body = await readJson(response);
  const errors = isRecord(body) && Array.isArray(body.errors) ? (body.errors as unknown[]) : [];
  if (errors.some(isTokenInvalid)) return loginRequired(opts, "Pitchly rejected the access token", status);

  const clientError = status >= 400 && status < 500;
  if (errors.length > 0 && (response.ok || clientError)) {
    throw new PitchlyBrowserError("graphql_error", "Pitchly's GraphQL API answered with errors", { errors, status });
  }
  if (!response.ok) throw unavailable(`Pitchly's GraphQL endpoint answered ${status}`, status);
  if (!isRecord(body) || !("data" in body)) throw unavailable("Pitchly's GraphQL answer is not GraphQL JSON", status);
  return body.data as T;
}
