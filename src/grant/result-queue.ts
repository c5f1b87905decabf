// A push-to-pull bridge: graphql-ws pushes results, the consumer's `for await` pulls them, in order, none lost.

type Waiter<T> = { resolve(result: IteratorResult<T>): void; reject(err: unknown): void };

export class ResultQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<Waiter<T>> = [];
  private finished = false;
  private failure: { error: unknown } | undefined;

  get closed(): boolean {
    return this.finished || this.failure !== undefined;
  }

  push(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ done: false, value: item });
    else this.items.push(item);
  }

  /** Ends the stream after what is already queued. */
  end(): void {
    if (this.closed) return;
    this.finished = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
  }

  /** Fails the stream after what is already queued. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ done: false, value: this.items.shift() as T });
    if (this.failure) {
      const { error } = this.failure;
      // Reported once; afterwards the iterator is simply done, as for a generator that threw.
      this.failure = undefined;
      this.finished = true;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}
