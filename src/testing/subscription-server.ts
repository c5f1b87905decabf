// The local Pitchly's websocket subscriptions (graphql-ws protocol on `ws`): platform at /subscriptions, v2 at /graphql.
// The platform's URL and its 4403 on a bad token are Pitchly's (seen in its code); v2's URL is invented.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import { WebSocketServer, type WebSocket } from "ws";
import { looksLikeJwt, verifyOrgJwt } from "./org-jwt";
import { principalOfToken, type Principal } from "./principal";
import type { Context } from "./state";
import {
  platformSubscriptionRoot,
  platformSubscriptionSchema,
  v2SubscriptionRoot,
  v2SubscriptionSchema,
  type SocketContext,
} from "./subscription-schemas";
import type { Generation } from "./types";

/** graphql-ws's Forbidden: what Pitchly closes a socket with when its token is bad or has expired. */
export const FORBIDDEN = 4403;

/** One open socket and the tokens it authenticated with, so expiry can close it. */
interface Connection {
  generation: Generation;
  socket: WebSocket;
  /** Platform: the one Bearer token of connection_init; v2: the accessToken of each subscription. */
  tokens: Set<string>;
  who?: Principal;
}

const PATHS: Record<string, Generation> = { "/subscriptions": "platform", "/graphql": "v2" };

function platformPrincipal(ctx: Context, token: string): Principal | undefined {
  if (looksLikeJwt(token)) {
    const who = verifyOrgJwt(ctx.directory, token);
    return typeof who === "string" ? undefined : who;
  }
  return principalOfToken(ctx, token, "platform");
}

export class SubscriptionServer {
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly servers: Record<Generation, WebSocketServer>;

  constructor(private readonly ctx: Context) {
    this.servers = { platform: this.serve("platform"), v2: this.serve("v2") };
  }

  /** The http server's `upgrade` handler; applies the `subscriptions` fault before the handshake. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const generation = PATHS[new URL(req.url ?? "/", "http://local.invalid").pathname];
    if (!generation) return void socket.destroy();
    const fault = this.ctx.faults.take("subscriptions");
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.drop) return void socket.destroy();
    if (fault?.status !== undefined) {
      socket.end(`HTTP/1.1 ${fault.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const server = this.servers[generation];
    server.handleUpgrade(req, socket, head, (ws) => server.emit("connection", ws, req));
  }

  /** Closes with 4403 every socket holding a token that is no longer valid (after expireAccessTokens()). */
  closeExpired(): void {
    for (const conn of this.connections.values()) if (!this.valid(conn)) this.forbid(conn);
  }

  /** The network fault: every socket is cut without a close frame (the client sees 1006). */
  dropAll(): number {
    const sockets = [...this.connections.keys()];
    for (const socket of sockets) socket.terminate();
    return sockets.length;
  }

  close(): void {
    this.dropAll();
    for (const server of Object.values(this.servers)) server.close();
  }

  private valid(conn: Connection): boolean {
    for (const token of conn.tokens) {
      const ok = conn.generation === "platform" ? platformPrincipal(this.ctx, token) : principalOfToken(this.ctx, token, "v2");
      if (!ok) return false;
    }
    return true;
  }

  private forbid(conn: Connection): void {
    this.ctx.registry.stats.subscriptions.forbidden++;
    conn.socket.close(FORBIDDEN, "Forbidden");
  }

  private serve(generation: Generation): WebSocketServer {
    const wss = new WebSocketServer({ noServer: true });
    const { stats } = this.ctx.registry;
    wss.on("connection", (socket: WebSocket) => {
      stats.subscriptions.connections++;
      stats.subscriptions.open++;
      this.connections.set(socket, { generation, socket, tokens: new Set() });
      socket.once("close", () => {
        stats.subscriptions.open--;
        this.connections.delete(socket);
      });
    });
    const connectionOf = (socket: WebSocket): Connection => {
      const conn = this.connections.get(socket);
      if (!conn) throw new Error("socket is not tracked");
      return conn;
    };
    const options: ServerOptions<Record<string, unknown> | undefined, { socket: WebSocket }> = {
      schema: generation === "platform" ? platformSubscriptionSchema : v2SubscriptionSchema,
      roots: { subscription: generation === "platform" ? platformSubscriptionRoot : v2SubscriptionRoot },
      onConnect: ({ connectionParams, extra }) => {
        if (generation === "v2") return true;
        const conn = connectionOf(extra.socket);
        const header = connectionParams?.authorization;
        const token = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
        const who = token === undefined ? undefined : platformPrincipal(this.ctx, token);
        if (!who || token === undefined) {
          stats.subscriptions.forbidden++;
          // graphql-ws closes with 4403 Forbidden when onConnect answers false.
          return false;
        }
        conn.tokens.add(token);
        conn.who = who;
        return true;
      },
      onSubscribe: () => {
        stats.subscriptions.subscribe++;
      },
      context: ({ extra }): SocketContext => {
        const conn = connectionOf(extra.socket);
        return {
          ctx: this.ctx,
          ...(conn.who && { who: conn.who }),
          authorize: (accessToken) => {
            const who = accessToken ? principalOfToken(this.ctx, accessToken, "v2") : undefined;
            if (!who || !accessToken) {
              this.forbid(conn);
              throw new Error("The access token is invalid or has expired.");
            }
            conn.tokens.add(accessToken);
            return who;
          },
          stillValid: () => {
            if (this.valid(conn)) return true;
            this.forbid(conn);
            return false;
          },
        };
      },
    };
    attach(wss, options);
    return wss;
  }
}

/**
 * graphql-ws's server on `ws` sockets: what its `use/ws` adapter does, minus its console output and keep-alive
 * pings (tests drop sockets on purpose), and importable from the package root under node10 resolution.
 */
function attach(wss: WebSocketServer, options: ServerOptions<Record<string, unknown> | undefined, { socket: WebSocket }>): void {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  wss.on("connection", (socket: WebSocket) => {
    socket.on("error", () => socket.terminate());
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on("message", (data: Buffer) => {
            cb(String(data)).catch((err: unknown) =>
              socket.close(CloseCode.InternalServerError, err instanceof Error ? err.message.slice(0, 100) : "Internal error"),
            );
          }),
      },
      { socket },
    );
    socket.once("close", (code: number, reason: Buffer) => void closed(code, String(reason)));
  });
}
