// Fake location, history, sessionStorage and clock for testing express-pitchly/browser without jsdom.
import {
  PitchlyBrowserError,
  type BrowserDeps,
  type HistoryLike,
  type LocationLike,
  type StorageLike,
} from "express-pitchly/browser";

export class FakeStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

export interface ReplaceCall {
  data: unknown;
  unused: string;
  url: string | null | undefined;
}

export interface FakeBrowser {
  location: LocationLike & { readonly href: string };
  history: HistoryLike;
  storage: FakeStorage;
  clock: { now: number };
  deps: BrowserDeps;
  /** URLs passed to location.assign. */
  assigned: string[];
  replaced: ReplaceCall[];
  /** Simulates the browser landing on `href` (e.g. Pitchly's redirect). */
  visit(href: string): void;
}

export const HISTORY_STATE = { page: "callback" };

export function fakeBrowser(href = "https://app.example/callback", storage = new FakeStorage()): FakeBrowser {
  let current = new URL(href);
  const assigned: string[] = [];
  const replaced: ReplaceCall[] = [];
  const clock = { now: Date.UTC(2025, 0, 1) };
  const location = {
    get href() {
      return current.href;
    },
    get pathname() {
      return current.pathname;
    },
    get search() {
      return current.search;
    },
    get hash() {
      return current.hash;
    },
    assign(url: string) {
      assigned.push(url);
    },
  };
  const history: HistoryLike = {
    state: HISTORY_STATE,
    replaceState(data: unknown, unused: string, url?: string | null) {
      replaced.push({ data, unused, url });
      if (url !== undefined && url !== null) current = new URL(url, current);
    },
  };
  return {
    location,
    history,
    storage,
    clock,
    assigned,
    replaced,
    deps: { location, history, storage, now: () => clock.now },
    visit(next: string) {
      current = new URL(next);
    },
  };
}

/** The states currently pending in `storage` under `key`. */
export function pendingStates(storage: FakeStorage, key: string): Array<{ state: string; verifier?: string }> {
  const raw = storage.getItem(key);
  return raw === null ? [] : (JSON.parse(raw) as Array<{ state: string; verifier?: string }>);
}

/** The PitchlyBrowserError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<PitchlyBrowserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PitchlyBrowserError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}
