// Pitchly's websocket subscriptions on graphql-ws: loads the optional peers graphql-ws and ws only when first needed.
import type { Client, ClientOptions } from "graphql-ws";
import { PitchlyConfigError } from "../errors";

export type { Client as SubscriptionClient };

/** What one grant's socket needs: how to authenticate each (re)connection, when to retry, and how long to wait. */
export interface TransportOptions {
  url: string;
  /** Runs before every connection_init: the token this connection authenticates with, or none (Pitchly will refuse). */
  accessToken(): Promise<string | undefined>;
  shouldRetry(): boolean;
  retryWaitMs(): number;
  on: NonNullable<ClientOptions["on"]>;
}

type Peers = { createClient: typeof import("graphql-ws").createClient; WebSocket: typeof import("ws").WebSocket };
let peers: Promise<Peers> | undefined;

function loadPeers(): Promise<Peers> {
  peers ??= Promise.all([import("graphql-ws"), import("ws")]).then(
    ([gws, ws]) => ({ createClient: gws.createClient, WebSocket: ws.WebSocket }),
    (err: unknown) => {
      peers = undefined;
      throw new PitchlyConfigError([
        `subscribe() needs the optional peer dependencies graphql-ws and ws: npm install graphql-ws ws (${(err as Error).message})`,
      ]);
    },
  );
  return peers;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function createTransport(options: TransportOptions): Promise<Client> {
  const { createClient, WebSocket } = await loadPeers();
  return createClient({
    url: options.url,
    webSocketImpl: WebSocket,
    // Pitchly reads the Bearer token from connectionParams (PITCHLY.md); asked anew on every reconnect.
    connectionParams: async () => {
      const token = await options.accessToken();
      return token === undefined ? {} : { authorization: `Bearer ${token}` };
    },
    // Connect on the first subscription, close when the last one ends: `break` leaves no socket behind.
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => options.shouldRetry(),
    retryWait: () => wait(options.retryWaitMs()),
    keepAlive: 20_000,
    on: options.on,
  });
}
