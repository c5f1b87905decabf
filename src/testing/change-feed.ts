// The local Pitchly's change feed: writes through GraphQL and mock.publish() push events to live subscriptions.

/** "database" is a change to the database itself (v2 `databaseUpdated`); the others are row changes. */
export type ChangeKind = "insert" | "update" | "delete" | "database";

export interface ChangeEvent {
  /** A v2 database id or a platform table id (both are unique across organizations). */
  tableId: string;
  kind: ChangeKind;
  rowIds: string[];
  /** Increases by one per event across the whole server, so a test can prove none was lost or repeated. */
  sequence: number;
}

type Listener = (event: ChangeEvent) => void;

export class ChangeFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private sequence = 0;

  publish(tableId: string, kind: ChangeKind, rowIds: string[] = []): ChangeEvent {
    const event: ChangeEvent = { tableId, kind, rowIds, sequence: ++this.sequence };
    for (const listener of this.listeners.get(tableId) ?? []) listener(event);
    return event;
  }

  /**
   * This table's events from now on, as graphql-js wants a subscription's source stream. `accept` runs per event
   * (the socket's token may have expired since it subscribed); false skips it.
   */
  listen<T>(tableId: string, accept: (event: ChangeEvent) => boolean, map: (event: ChangeEvent) => T): AsyncIterableIterator<T> {
    const queue: ChangeEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const listener: Listener = (event) => {
      if (!accept(event)) return;
      queue.push(event);
      wake?.();
    };
    let set = this.listeners.get(tableId);
    if (!set) this.listeners.set(tableId, (set = new Set()));
    set.add(listener);
    const stop = (): IteratorReturnResult<undefined> => {
      done = true;
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(tableId);
      wake?.();
      return { done: true, value: undefined };
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<T>> {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const event = queue.shift();
        return event ? { done: false, value: map(event) } : stop();
      },
      async return() {
        return stop();
      },
    };
  }
}
