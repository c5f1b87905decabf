// The local Pitchly's HTTP server: routing, lifecycle and the MockPitchly handle returned to callers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAuthorize, handleDecision } from "./authorize";
import { driveConsent } from "./consent-driver";
import { applyCors } from "./cors";
import { FaultBox } from "./faults";
import { handleGraphql } from "./graphql-endpoint";
import { sendJson } from "./http-util";
import { DEFAULT_USER, Registry, type Context } from "./state";
import { handleToken } from "./token-endpoint";
import type { MockPitchly, MockPitchlyOptions } from "./types";
import { workspacePages } from "./workspace-page";

type Handler = (ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const ROUTES = new Map<string, { method: string; handler: Handler }>([
  ["/oauth/authorize", { method: "GET", handler: handleAuthorize }],
  ["/oauth/authorize/decision", { method: "POST", handler: handleDecision }],
  ["/oauth/token", { method: "POST", handler: handleToken }],
  // The platform generation's path for the same endpoint.
  ["/api/oauth/token", { method: "POST", handler: handleToken }],
  ["/graphql", { method: "POST", handler: handleGraphql }],
]);

function route(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
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
  entry.handler(ctx, req, res, url).catch((err: unknown) => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: "server_error", error_description: err instanceof Error ? err.message : String(err) });
  });
}

export async function startMockPitchly(options: MockPitchlyOptions): Promise<MockPitchly> {
  const ttlSeconds = options.accessTokenTtlSeconds ?? 7200;
  if (!(ttlSeconds > 0)) throw new Error("accessTokenTtlSeconds must be positive");
  const registry = new Registry(options.clients, options.users ?? [DEFAULT_USER], ttlSeconds);
  const faults = new FaultBox();
  faults.set(options.faults ?? {});
  const ctx: Context = { registry, faults };

  const workspace = workspacePages(options.plugins ?? [], registry);
  const server = createServer((req, res) => workspace.handle(req, res) || route(ctx, req, res));
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
    stats: registry.stats,
    resetStats: () => registry.resetStats(),
    setFaults: (next) => faults.set(next),
    expireAccessTokens: () => registry.expireAccessTokens(),
    revokeRefreshTokens: () => registry.revokeRefreshTokens(),
    issueTokens: ({ clientId, userId }) => {
      if (!registry.clients.has(clientId)) throw new Error(`unknown clientId ${clientId}`);
      const user = userId ?? registry.defaultUser.id;
      if (!registry.users.has(user)) throw new Error(`unknown userId ${user}`);
      const pair = registry.issuePair(clientId, user, undefined, { revoked: false });
      return { access_token: pair.access_token, refresh_token: pair.refresh_token, expires_in: pair.expires_in, token_type: "bearer" };
    },
    approve: (authorizeUrl, opts) => driveConsent(url, authorizeUrl, "approve", opts?.userId),
    deny: (authorizeUrl) => driveConsent(url, authorizeUrl, "deny"),
    workspaceUrl: (opts) => workspace.url(url, opts),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        faults.dispose();
        server.close(() => resolve());
        // Hanging and keep-alive sockets would otherwise hold close() (and jest) open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
