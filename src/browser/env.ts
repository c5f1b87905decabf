// Browser globals the helpers use, read lazily from globalThis unless injected (tests, SSR, webviews).
import { PitchlyBrowserError } from "./errors.js";

export interface LocationLike {
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  assign(url: string): void;
}

export interface HistoryLike {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | null): void;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface CryptoLike {
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  readonly subtle?: Pick<SubtleCrypto, "digest">;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The parts of a `message` event the plugin handshake reads. */
export interface MessageEventLike {
  readonly origin: string;
  readonly source: unknown;
  readonly data: unknown;
}

export interface PostMessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The parts of `window` the plugin handshake uses (`window.parent` is Pitchly when framed). */
export interface WindowLike {
  readonly parent: PostMessageTarget;
  addEventListener(type: "message", listener: (event: MessageEventLike) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEventLike) => void): void;
}

/** Everything optional: a missing entry falls back to the browser global of the same name. */
export interface BrowserDeps {
  location?: LocationLike;
  history?: HistoryLike;
  /** Defaults to `sessionStorage`. */
  storage?: StorageLike;
  crypto?: CryptoLike;
  fetch?: FetchLike;
  /** Defaults to `window` (the plugin handshake only). */
  window?: WindowLike;
  /** Clock in ms since the epoch; defaults to `Date.now`. */
  now?: () => number;
}

type Globals = Partial<{
  location: LocationLike;
  history: HistoryLike;
  sessionStorage: StorageLike;
  crypto: CryptoLike;
  fetch: FetchLike;
  window: WindowLike;
}>;

const globals = globalThis as unknown as Globals;

function missing(what: string): never {
  throw new PitchlyBrowserError("browser_unsupported", `${what} is not available in this environment`);
}

export function getLocation(deps: BrowserDeps): LocationLike {
  return deps.location ?? globals.location ?? missing("window.location");
}

export function getHistory(deps: BrowserDeps): HistoryLike {
  return deps.history ?? globals.history ?? missing("window.history");
}

export function getStorage(deps: BrowserDeps): StorageLike {
  if (deps.storage) return deps.storage;
  try {
    // Reading sessionStorage throws a SecurityError in some sandboxed frames.
    const storage = globals.sessionStorage;
    if (storage) return storage;
  } catch {
    // fall through
  }
  return missing("sessionStorage");
}

export function getCrypto(deps: BrowserDeps): CryptoLike {
  return deps.crypto ?? globals.crypto ?? missing("crypto.getRandomValues");
}

/** Always called as a plain function: `window.fetch` throws "Illegal invocation" with another `this`. */
export function getFetch(custom: FetchLike | undefined): FetchLike {
  const fetchFn = custom ?? globals.fetch;
  if (typeof fetchFn !== "function") return missing("fetch");
  return (input, init) => fetchFn(input, init);
}

export function getWindow(deps: BrowserDeps): WindowLike {
  return deps.window ?? globals.window ?? missing("window");
}

export function getNow(deps: BrowserDeps): number {
  return (deps.now ?? Date.now)();
}
