// The local Pitchly's HTTP server: routing, the request log, lifecycle and the MockPitchly handle returned to callers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAuthorize, handleDecision } from "./authorize";
import { driveConsent } from "./consent-driver";
import { ChangeFeed } from "./change-feed";
import { applyCors } from "./cors";
import { DEFAULT_ORGANIZATION, DEFAULT_USER, Directory } from "./directory";
import { FaultBox } from "./faults";
import { DataStore } from "./fixtures";
import { handlePlatformGraphql, handleV2Graphql } from "./graphql-endpoint";
import { BodyTooLargeError, readBody, sendJson } from "./http-util";
import { mintTokens } from "./mint";
import { RequestLog } from "./request-log";
import { Registry, type Context } from "./state";
import { SubscriptionServer } from "./subscription-server";
import { handleToken } from "./token-endpoint";
import type { MockPitchly, MockPitchlyOptions } from "./types";
import { workspacePages } from "./workspace-page";

type Handler = (ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void>;

const ROUTES = new Map<string, { method: string; handler: Handler }>([
  ["/oauth/authorize", { method: "GET", handler: handleAuthorize }],
  ["/oauth/authorize/decision", { method: "POST", handler: handleDecision }],
  ["/oauth/token", { method: "POST", handler: handleToken }],
  ["/api/oauth/token", { method: "POST", handler: handleToken }],
  ["/graphql", { method: "POST", handler: handleV2Graphql }],
  // The platform's API lives on its own origin in real life (api.pitchly.com/graphql); here, on its own path.
  ["/api/graphql", { method: "POST", handler: handlePlatformGraphql }],
]);

async function route(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = "";
  let tooLarge: BodyTooLargeError | undefined;
  try {
    body = await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    tooLarge = err;
  }
  // Everything is recorded, unknown paths too: a test can prove a secret was never sent somewhere.
  ctx.log.record(req, res, body);
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://local.invalid");
  } catch {
    return sendJson(res, 400, { error: "invalid_request" });
  }
  if (applyCors(req, res, url.pathname)) return;
  const entry = ROUTES.get(url.pathname);
  if (!entry) return sendJson(res, 404, { error: "not_found" });
  if (req.method !== entry.method) return sendJson(res, 405, { error: "method_not_allowed" }, { Allow: entry.method });
  if (tooLarge) return sendJson(res, 413, { error: "invalid_request", error_description: tooLarge.message });
  await entry.handler(ctx, req, res, url, body);
}

export async function startMockPitchly(options: MockPitchlyOptions): Promise<MockPitchly> {
  const ttl = options.accessTokenTtlSeconds;
  if (ttl !== undefined && !(ttl > 0)) throw new Error("accessTokenTtlSeconds must be positive");
  const directory = new Directory(
    options.clients,
    options.users ?? [DEFAULT_USER],
    options.organizations ?? [DEFAULT_ORGANIZATION],
  );
  const faults = new FaultBox();
  faults.set(options.faults ?? {});
  const ctx: Context = {
    registry: new Registry(ttl),
    directory,
    faults,
    log: new RequestLog(),
    data: new DataStore(),
    changes: new ChangeFeed(),
  };
  const { registry } = ctx;
  const subscriptions = new SubscriptionServer(ctx);

  const workspace = workspacePages(options.plugins ?? [], directory, ctx.data);
  const server = createServer((req, res) => {
    if (workspace.handle(req, res)) return;
    route(ctx, req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: "server_error", error_description: err instanceof Error ? err.message : String(err) });
    });
  });
  server.on("upgrade", (req, socket, head: Buffer) => {
    subscriptions.upgrade(req, socket, head).catch(() => socket.destroy());
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    platformGraphqlUrl: `${url}/api/graphql`,
    platformTokenUrl: `${url}/api/oauth/token`,
    stats: registry.stats,
    resetStats: () => registry.resetStats(),
    requests: ctx.log.requests,
    issuedSecrets: () => [...registry.issued],
    setFaults: (next) => faults.set(next),
    expireAccessTokens: () => {
      registry.expireAccessTokens();
      // Pitchly's rule is "a bad token closes with 4403"; closing at once (not at the next event) keeps tests exact.
      subscriptions.closeExpired();
    },
    platformSubscriptionsUrl: `${url.replace(/^http/, "ws")}/subscriptions`,
    v2SubscriptionsUrl: `${url.replace(/^http/, "ws")}/graphql`,
    publish: ({ tableId, kind = "update", rowIds }) => ({ sequence: ctx.changes.publish(tableId, kind, rowIds).sequence }),
    dropSubscriptionSockets: () => subscriptions.dropAll(),
    revokeRefreshTokens: () => registry.revokeRefreshTokens(),
    issueTokens: (opts) => mintTokens(ctx, opts),
    approve: (authorizeUrl, opts) => driveConsent(url, authorizeUrl, "approve", opts?.userId),
    deny: (authorizeUrl) => driveConsent(url, authorizeUrl, "deny"),
    workspaceUrl: (opts) => workspace.url(url, opts),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        faults.dispose();
        subscriptions.close();
        server.close(() => resolve());
        // Hanging and keep-alive sockets would otherwise hold close() (and jest) open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
