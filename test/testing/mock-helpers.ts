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
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; name?: string; data?: { error?: string; reason?: string }; extensions?: { code?: string } }>;
}

/** The default organization's id, as DEFAULT_ORGANIZATION has it. */
export const ORG = "orgPitchlyDemoCo0001";
/** v2's identity-free smoke query: the token travels as the accessToken argument. */
export const V2_DATABASES =
  "query Dbs($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { _id name } }";
export const PLATFORM_ME = "query Me { organization { id } viewer { person { id name email image } tier tierSettings } }";

/** POST {base}/graphql (v2) or, with `path`, another GraphQL endpoint such as /api/graphql (platform). */
export async function graphql(
  base: string,
  query: string,
  opts: { bearer?: string; variables?: Record<string, unknown>; operationName?: string; path?: string } = {},
): Promise<{ status: number; body: GqlBody }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(`${base}${opts.path ?? "/graphql"}`, {
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

/** v2's databases query as `token`; resolves to the database names or the GQLError code. */
export async function v2Names(base: string, token: string): Promise<string[] | string> {
  const { body } = await graphql(base, V2_DATABASES, { variables: { accessToken: token, org: ORG } });
  if (body.errors) return body.errors[0]?.data?.error ?? body.errors[0]?.message ?? "error";
  return (body.data?.databases as Array<{ name: string }>).map((d) => d.name);
}

/** The platform's identity query as `token`; resolves to the person's name or the error code. */
export async function platformWho(base: string, token: string): Promise<string> {
  const { status, body } = await graphql(base, PLATFORM_ME, { bearer: token, path: "/api/graphql" });
  expect(status).toBe(200);
  if (body.errors) return body.errors[0]?.extensions?.code ?? "error";
  return (body.data?.viewer as { person: { name: string } } | null)?.person.name ?? "app";
}
