// POST /oauth/token (v2) and /api/oauth/token (platform): the path decides the generation of what is minted.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateClient } from "./client-auth";
import { deliver } from "./faults";
import { hasContentType, sendJson } from "./http-util";
import type { Context } from "./state";
import { appToken, oauthError, redeemCode, rotateRefresh, type Answer } from "./token-grants";
import type { Generation } from "./types";

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };
const SINGLE_VALUED = [
  "grant_type",
  "code",
  "redirect_uri",
  "code_verifier",
  "refresh_token",
  "scope",
  "client_id",
  "client_secret",
  "organization_id",
];
const GRANTS = { authorization_code: redeemCode, refresh_token: rotateRefresh, client_credentials: appToken } as const;
type GrantType = keyof typeof GRANTS;
const isGrantType = (value: string | null | undefined): value is GrantType => value != null && Object.hasOwn(GRANTS, value);

export const generationOfTokenPath = (pathname: string): Generation => (pathname.startsWith("/api/") ? "platform" : "v2");

function answer(ctx: Context, req: IncomingMessage, form: URLSearchParams | undefined, generation: Generation): Answer {
  if (!form) return oauthError(400, "invalid_request", "body must be application/x-www-form-urlencoded");
  const repeated = SINGLE_VALUED.find((key) => form.getAll(key).length > 1);
  if (repeated) return oauthError(400, "invalid_request", `${repeated} must not be repeated`);
  const grantType = form.get("grant_type");
  if (!grantType) return oauthError(400, "invalid_request", "grant_type is required");
  const auth = authenticateClient(ctx.directory.clients, req.headers.authorization, form);
  if (!auth.ok) {
    const headers: Record<string, string> = auth.status === 401 ? { "WWW-Authenticate": 'Basic realm="pitchly"' } : {};
    return { ...oauthError(auth.status, auth.error, auth.description), headers };
  }
  if (auth.client.generation !== undefined && auth.client.generation !== generation) {
    return oauthError(400, "unauthorized_client", `this client belongs to the ${auth.client.generation} generation`);
  }
  if (!isGrantType(grantType)) return oauthError(400, "unsupported_grant_type", `grant_type ${grantType} is not supported`);
  return GRANTS[grantType](ctx, auth.client, form, generation);
}

export async function handleToken(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  text: string,
): Promise<void> {
  const stats = ctx.registry.stats.token;
  const form = hasContentType(req, "application/x-www-form-urlencoded") ? new URLSearchParams(text) : undefined;
  // Counted before faults so tests can see that a call was attempted even when it was made to fail.
  const grantType = form?.get("grant_type");
  if (isGrantType(grantType)) stats[grantType]++;
  const fault = await ctx.faults.apply(ctx.faults.take("token"), res);
  if (fault.handled) {
    if (fault.status !== 0 && fault.status !== 200) stats.errors++;
    return;
  }
  const result = answer(ctx, req, form, generationOfTokenPath(url.pathname));
  if (result.status !== 200) stats.errors++;
  deliver(res, fault, () => sendJson(res, result.status, result.body, { ...NO_STORE, ...result.headers }));
}
