// The plugin side of Pitchly's postMessage handshake: `ready` out, validated workspace state in, person check.
import { PitchlyBrowserError } from "./errors.js";
import { getWindow, type BrowserDeps, type MessageEventLike } from "./env.js";
import { toRawMessage, toStateMessage, type PitchlyPluginState, type PitchlyRawMessage } from "./plugin-messages.js";
import {
  checkPersonId,
  checkPluginOptions,
  type PitchlyPersonMismatch,
  type PitchlyPluginChange,
  type PitchlyPluginOptions,
} from "./plugin-options.js";

export interface PitchlyPluginEvents {
  /** Every accepted message, raw (also the types this package does not know). */
  message: PitchlyRawMessage;
  /** A well-formed known message was stored. */
  change: PitchlyPluginChange;
  personMismatch: PitchlyPersonMismatch;
}

export type PitchlyPluginListener<K extends keyof PitchlyPluginEvents> = (event: PitchlyPluginEvents[K]) => void;

export interface PitchlyPlugin {
  readonly platformOrigin: string;
  /** False when the page is not inside a frame (opened directly): nothing will arrive then. */
  readonly framed: boolean;
  /** The latest state; a new frozen object after every change. */
  readonly state: Readonly<PitchlyPluginState>;
  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof PitchlyPluginEvents>(type: K, listener: PitchlyPluginListener<K>): () => void;
  /** Tells the helper who is signed in (`null` = nobody), e.g. once the page has fetched it. */
  setSignedInPersonId(personId: string | null): void;
  /** Stops listening; later messages are ignored. */
  close(): void;
}

type Listeners = { [K in keyof PitchlyPluginEvents]: Set<PitchlyPluginListener<K>> };

/**
 * Posts `{ type: "ready" }` to `window.parent` for the platform origin only, then accepts messages whose
 * origin is that origin, whose source is `window.parent` and whose data is `{ type: string, data: object }`.
 */
export function connectPitchlyPlugin(opts: PitchlyPluginOptions = {}, deps: BrowserDeps = {}): PitchlyPlugin {
  const checked = checkPluginOptions(opts);
  const win = getWindow(deps);
  const parent = win.parent;
  const framed = (parent as unknown) !== win;
  const listeners: Listeners = { message: new Set(), change: new Set(), personMismatch: new Set() };
  if (checked.onMessage) listeners.message.add(checked.onMessage);
  if (checked.onChange) listeners.change.add(checked.onChange);
  if (checked.onPersonMismatch) listeners.personMismatch.add(checked.onPersonMismatch);

  let state: Readonly<PitchlyPluginState> = Object.freeze({});
  let signedIn = checked.signedInPersonId;
  let lastMismatch = "";
  let closed = false;
  // One listener throwing must not keep the others (or the person check) from running: the first error is
  // rethrown once everything ran, so the browser still reports it.
  let errors: unknown[] = [];

  function emit<K extends keyof PitchlyPluginEvents>(type: K, event: PitchlyPluginEvents[K]): void {
    for (const listener of [...listeners[type]]) {
      try {
        listener(event);
      } catch (error) {
        errors.push(error);
      }
    }
  }

  function comparePerson(): void {
    const pitchlyPersonId = state.person?.personId;
    if (pitchlyPersonId === undefined || typeof signedIn !== "string" || pitchlyPersonId === signedIn) return;
    // Pitchly may repeat `person` (every `ready`); the page hears about one mismatched pair once.
    const key = JSON.stringify([pitchlyPersonId, signedIn]);
    if (key === lastMismatch) return;
    lastMismatch = key;
    emit("personMismatch", { pitchlyPersonId, signedInPersonId: signedIn });
  }

  function rethrow(): void {
    const [first] = errors;
    const failed = errors.length > 0;
    errors = [];
    if (failed) throw first;
  }

  function onMessageEvent(event: MessageEventLike): void {
    if (closed || event.origin !== checked.platformOrigin || event.source !== parent) return;
    const raw = toRawMessage(event.data);
    if (raw === undefined) return;
    const known = toStateMessage(raw);
    if (known !== undefined) state = Object.freeze({ ...state, [known.type]: known.data });
    emit("message", raw);
    if (known !== undefined) {
      emit("change", { ...known, state });
      if (known.type === "person") comparePerson();
    }
    rethrow();
  }

  win.addEventListener("message", onMessageEvent);
  // Listening first: Pitchly answers `ready` with its state straight away.
  if (framed) parent.postMessage({ type: "ready" }, checked.platformOrigin);

  return {
    platformOrigin: checked.platformOrigin,
    framed,
    get state() {
      return state;
    },
    on(type, listener) {
      if (typeof listener !== "function") throw new PitchlyBrowserError("invalid_options", "listener must be a function");
      listeners[type].add(listener);
      return () => {
        listeners[type].delete(listener);
      };
    },
    setSignedInPersonId(personId) {
      signedIn = checkPersonId(personId, "personId");
      comparePerson();
      rethrow();
    },
    close() {
      if (closed) return;
      closed = true;
      win.removeEventListener("message", onMessageEvent);
      for (const set of Object.values(listeners)) set.clear();
    },
  };
}
