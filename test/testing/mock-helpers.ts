// Shared helpers for the local Pitchly's own tests: form posts, authorize URLs, PKCE pairs.
import { createHash, randomBytes } from "node:crypto";

export const REDIRECT = "http://localhost:3000/auth/pitchly/callback?from=test";
export const SECRET = "s3cret-value";

export function authorizeUrl(base: string, params: Record<string, string>): string {
  const url = new URL("/oauth/authorize", base);
  for (const [key, value] of Object.entries({ response_type: "code", client_id: "app", redirect_uri: REDIRECT, ...params })) {
    url.searchParams.set(key, value);
  }
  return url.toString();
}

export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(form), headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export interface GqlBody {
  data?: Record<string, unknown>;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function graphql(
  base: string,
  query: string,
  opts: { bearer?: string; variables?: Record<string, unknown>; operationName?: string } = {},
): Promise<{ status: number; body: GqlBody }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables: opts.variables, operationName: opts.operationName }),
  });
  return { status: res.status, body: (await res.json()) as GqlBody };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function param(location: string, name: string): string | null {
  return new URL(location).searchParams.get(name);
}

export function fragment(location: string): URLSearchParams {
  return new URLSearchParams(new URL(location).hash.slice(1));
}
