// A fake window and parent for the plugin handshake: records postMessage calls and delivers message events.
import type { MessageEventLike, PostMessageTarget, WindowLike } from "express-pitchly/browser";

export const PLATFORM = "https://platform.pitchly.com";

export interface Posted {
  message: unknown;
  targetOrigin: string;
}

export class FakeParent implements PostMessageTarget {
  readonly posted: Posted[] = [];
  /** Runs on each postMessage, e.g. to answer `ready` the way Pitchly does. */
  onPost: ((posted: Posted) => void) | undefined;
  postMessage(message: unknown, targetOrigin: string): void {
    const posted = { message: structuredClone(message), targetOrigin };
    this.posted.push(posted);
    this.onPost?.(posted);
  }
}

export interface DeliverOptions {
  origin?: string;
  /** Defaults to the parent (Pitchly). */
  source?: unknown;
}

export class FakeWindow implements WindowLike {
  readonly listeners = new Set<(event: MessageEventLike) => void>();
  readonly parent: PostMessageTarget;

  /** `parent` absent = a top-level page, whose parent is itself. */
  constructor(parent?: FakeParent) {
    this.parent = parent ?? this;
  }

  addEventListener(type: "message", listener: (event: MessageEventLike) => void): void {
    if (type === "message") this.listeners.add(listener);
  }

  removeEventListener(type: "message", listener: (event: MessageEventLike) => void): void {
    if (type === "message") this.listeners.delete(listener);
  }

  postMessage(): void {
    // a top-level page posting to itself: nothing in these tests listens for that
  }

  /** Delivers a message event as the browser would: data structured-cloned, origin and source set. */
  deliver(data: unknown, opts: DeliverOptions = {}): void {
    const event: MessageEventLike = {
      origin: opts.origin ?? PLATFORM,
      source: "source" in opts ? opts.source : this.parent,
      data: structuredClone(data),
    };
    for (const listener of [...this.listeners]) listener(event);
  }
}

export function fakeFrame(): { win: FakeWindow; parent: FakeParent } {
  const parent = new FakeParent();
  return { win: new FakeWindow(parent), parent };
}
