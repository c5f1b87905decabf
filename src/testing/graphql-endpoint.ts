// POST /graphql (v2) and POST /api/graphql (platform): each generation's schema, token style and error shapes.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ExecutionResult } from "graphql";
import { deliver } from "./faults";
import { platformRoot, platformSchema, unauthenticated, type PlatformContext } from "./graphql-platform";
import { prepare, readRequest, run } from "./graphql-run";
import { V2Error, v2ErrorBody, v2Root, v2Schema } from "./graphql-v2";
import { sendJson } from "./http-util";
import { looksLikeJwt, verifyOrgJwt } from "./org-jwt";
import { principalOfToken, type Principal } from "./principal";
import type { Context } from "./state";

const badRequest = (message: string) => ({ errors: [{ message, extensions: { code: "BAD_REQUEST" } }] });

async function begin(ctx: Context, res: ServerResponse, body: string) {
  ctx.registry.stats.graphql++;
  const outcome = await ctx.faults.apply(ctx.faults.take("graphql"), res);
  return { outcome, request: outcome.handled ? undefined : readRequest(body) };
}

export async function handleV2Graphql(
  ctx: Context,
  _req: IncomingMessage,
  res: ServerResponse,
  _url: URL,
  body: string,
): Promise<void> {
  const { outcome, request } = await begin(ctx, res, body);
  if (outcome.handled || request === undefined) return;
  if (typeof request === "string") return deliver(res, outcome, () => sendJson(res, 400, badRequest(request)));
  const prepared = prepare(v2Schema, request);
  let result: ExecutionResult | Record<string, unknown> = prepared.ok
    ? await run(v2Schema, prepared.document, request, v2Root, ctx)
    : prepared.result;
  // Any GQLError fails the whole answer, as v2's documented error example shows (`data: null`).
  const gqlError = result.errors?.map((e) => (e as { originalError?: unknown }).originalError).find((e) => e instanceof V2Error);
  if (gqlError instanceof V2Error) result = v2ErrorBody(gqlError);
  deliver(res, outcome, () => sendJson(res, 200, result));
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
}

/** A user or app token of the platform, or the app's self-signed organization JWT; the body is never looked at. */
function platformPrincipal(ctx: Context, req: IncomingMessage): Principal | string {
  const token = bearer(req);
  if (!token) return "An Authorization: Bearer token is required.";
  if (looksLikeJwt(token)) return verifyOrgJwt(ctx.directory, token);
  return principalOfToken(ctx, token, "platform") ?? "The access token is invalid or has expired.";
}

export async function handlePlatformGraphql(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  _url: URL,
  body: string,
): Promise<void> {
  const { outcome, request } = await begin(ctx, res, body);
  if (outcome.handled || request === undefined) return;
  // The platform answers HTTP 200 whatever went wrong (documented).
  if (typeof request === "string") return deliver(res, outcome, () => sendJson(res, 200, badRequest(request)));
  const prepared = prepare(platformSchema, request);
  if (!prepared.ok) return deliver(res, outcome, () => sendJson(res, 200, prepared.result));
  const who = platformPrincipal(ctx, req);
  if (typeof who === "string") return deliver(res, outcome, () => sendJson(res, 200, unauthenticated(who)));
  const context: PlatformContext = { ctx, who };
  const result = await run(platformSchema, prepared.document, request, platformRoot, context);
  deliver(res, outcome, () => sendJson(res, 200, result));
}
