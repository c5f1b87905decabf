// subscribe(): Pitchly subscriptions as AsyncIterables that outlive token rotations; one socket per grant.
import type { Logger } from "pino";
import { PitchlyGraphQLError, type PitchlyGraphQLErrorEntry } from "../errors";
import type { GraphQLVariables } from "../pitchly/graphql-client";
import { GrantSocket, type TokenSource } from "./grant-socket";
import { ResultQueue } from "./result-queue";

/** An async iterator of a subscription's `data`; `return()` (what `break` calls) unsubscribes. */
export type PitchlySubscription<T> = AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T, undefined>> };

interface Live {
  queue: ResultQueue<unknown>;
  stop(): void;
}

/** Variables whose `accessToken` is read at send time, so a resubscription after a rotation carries the new one. */
function withCurrentToken(variables: GraphQLVariables, socket: GrantSocket): GraphQLVariables {
  const copy: GraphQLVariables = { ...variables };
  Object.defineProperty(copy, "accessToken", { enumerable: true, get: () => socket.token ?? null });
  return copy;
}

/** What graphql-ws hands a sink's `error`: GraphQL errors, a CloseEvent, or an Error. */
function asError(err: unknown): Error {
  if (Array.isArray(err)) return new PitchlyGraphQLError(err as PitchlyGraphQLErrorEntry[]);
  if (err instanceof Error) return err;
  const close = err as { code?: unknown; reason?: unknown };
  if (typeof close?.code === "number") {
    const reason = typeof close.reason === "string" && close.reason ? close.reason : "no reason given";
    return new PitchlyGraphQLError([
      {
        message: `subscription socket closed: ${close.code} ${reason}`,
        extensions: { code: "SUBSCRIPTION_CLOSED", closeCode: close.code },
      },
    ]);
  }
  return new PitchlyGraphQLError([{ message: String(err) }]);
}

/** Every live subscription of this process, by grant: the one place logout reaches them. */
export class SubscriptionHub {
  private readonly sockets = new Map<string, { socket: GrantSocket; live: Set<Live> }>();

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  subscribe<T>(grantKey: string, source: TokenSource, query: string, variables: GraphQLVariables = {}): PitchlySubscription<T> {
    let entry = this.sockets.get(grantKey);
    if (entry) entry.socket.adopt(source);
    else {
      entry = { socket: new GrantSocket(this.url, source, this.logger), live: new Set() };
      this.sockets.set(grantKey, entry);
    }
    const { socket, live } = entry;
    const queue = new ResultQueue<T>();
    let unsubscribe: (() => void) | undefined;
    let stopped = false;
    const sub: Live = {
      queue: queue,
      stop: () => {
        if (stopped) return;
        stopped = true;
        unsubscribe?.();
        live.delete(sub);
        // The last subscription of the grant takes the socket with it (graphql-ws would close it anyway: lazy).
        if (live.size === 0 && this.sockets.get(grantKey)?.live === live) {
          this.sockets.delete(grantKey);
          void socket.dispose();
        }
      },
    };
    live.add(sub);
    socket.client().then(
      (client) => {
        if (stopped) return;
        unsubscribe = client.subscribe<T>(
          { query, variables: withCurrentToken(variables, socket) },
          {
            next: (result) => {
              if (result.errors?.length) queue.fail(new PitchlyGraphQLError(result.errors, result.data));
              else queue.push(result.data as T);
            },
            error: (err) => queue.fail(socket.fatal ?? asError(err)),
            complete: () => queue.end(),
          },
        );
      },
      (err: unknown) => queue.fail(err),
    );
    const iterator: PitchlySubscription<T> = {
      [Symbol.asyncIterator]() {
        return iterator;
      },
      next: async () => {
        const result = await queue.next().catch((err: unknown) => {
          sub.stop();
          throw err;
        });
        if (result.done) sub.stop();
        return result;
      },
      return: async () => {
        sub.stop();
        queue.end();
        return { done: true, value: undefined };
      },
    };
    return iterator;
  }

  /** Logout (or a sign-in that replaced the grant): every subscription of the grant ends, its socket closes. */
  endGrant(grantKey: string): void {
    const entry = this.sockets.get(grantKey);
    if (!entry) return;
    this.sockets.delete(grantKey);
    for (const sub of [...entry.live]) {
      sub.queue.end();
      sub.stop();
    }
    void entry.socket.dispose();
  }

  /** How many sockets this process holds (one per grant with live subscriptions). */
  get socketCount(): number {
    return this.sockets.size;
  }
}
