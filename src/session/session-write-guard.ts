// Guards the app's session store where every write passes: set and touch see each filter, get wraps our field.
import { wrapGrantField } from "./grant-record";
import type { SessionStoreLike } from "./session-access";

/** `undefined`: write nothing. The same object: write it as is. Another object: write that copy instead. */
export type WriteVerdict = object | undefined;

/** Decides what a session write may carry (SessionTokens is the one implementation). */
export interface SessionWriteFilter {
  filter(sid: string, session: object): WriteVerdict;
}

// Symbol.for: two copies of the package in one app still wrap a store once and share its filter list.
const FILTERS = Symbol.for("express-pitchly.session-write-filters");

type Guarded = SessionStoreLike & { [FILTERS]?: SessionWriteFilter[] };
type Write = (sid: string, session: object, callback?: (err?: unknown) => void) => unknown;

function verdict(filters: readonly SessionWriteFilter[], sid: string, session: object): WriteVerdict {
  let current: WriteVerdict = session;
  for (const f of filters) {
    if (current === undefined) return undefined;
    current = f.filter(sid, current);
  }
  return current;
}

function guardedWrite(store: Guarded, write: Write, filters: readonly SessionWriteFilter[]): Write {
  return function pitchlyGuardedWrite(this: unknown, sid, session, callback) {
    const allowed = verdict(filters, sid, session);
    // Dropped on purpose (a session id we renewed away): the caller sees a successful write.
    if (allowed === undefined) {
      if (callback) setImmediate(callback);
      return undefined;
    }
    return write.call(this ?? store, sid, allowed, callback);
  };
}

/**
 * Wraps `set`, `touch` and `get` once per store: express-session calls them for every request of the app,
 * wherever our router is mounted and whether or not the request ever reaches our code. True when this
 * filter was not guarding the store yet.
 */
export function guardSessionStore(store: SessionStoreLike, filter: SessionWriteFilter): boolean {
  const guarded = store as Guarded;
  const existing = guarded[FILTERS];
  if (existing) {
    if (existing.includes(filter)) return false;
    existing.push(filter);
    return true;
  }
  const filters = [filter];
  Object.defineProperty(guarded, FILTERS, { value: filters, enumerable: false });
  // The store's own methods, called back with the store as `this` (guardedWrite and pitchlyGuardedGet do so).
  /* eslint-disable @typescript-eslint/unbound-method */
  guarded.set = guardedWrite(guarded, guarded.set, filters);
  if (typeof guarded.touch === "function") guarded.touch = guardedWrite(guarded, guarded.touch, filters);
  const get = guarded.get;
  /* eslint-enable @typescript-eslint/unbound-method */
  guarded.get = function pitchlyGuardedGet(this: unknown, sid, callback) {
    return get.call(this ?? store, sid, (err, session) => {
      // A loaded grant field becomes a record: same JSON (and hash), tokens kept out of util.inspect.
      if (session && typeof session === "object") wrapGrantField(session);
      callback(err, session);
    });
  };
  return true;
}
