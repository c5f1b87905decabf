// Implicit flow, first leg: the authorize URL, its state, and how pending states are kept in sessionStorage.
import {
  DEFAULT_AUTHORIZE_URL,
  IMPLICIT_STATE_KEY,
  PitchlyBrowserError,
  buildImplicitAuthorizeUrl,
  completeImplicitLogin,
  startImplicitLogin,
  type CryptoLike,
} from "express-pitchly/browser";
import { fakeBrowser, pendingStates } from "./fake-browser";

const opts = { clientId: "app-123", redirectUri: "https://app.example/callback" };

function stateOf(url: string): string {
  return new URL(url).searchParams.get("state") ?? "";
}

describe("buildImplicitAuthorizeUrl", () => {
  it("sets response_type=token, client_id, redirect_uri, state and scope on the default endpoint", () => {
    const b = fakeBrowser();
    const url = new URL(buildImplicitAuthorizeUrl({ ...opts, scope: "read write" }, b.deps));
    expect(`${url.origin}${url.pathname}`).toBe(DEFAULT_AUTHORIZE_URL);
    expect(url.searchParams.get("response_type")).toBe("token");
    expect(url.searchParams.get("client_id")).toBe("app-123");
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.example/callback");
    expect(url.searchParams.get("scope")).toBe("read write");
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  });

  it("keeps a custom authorizeUrl's own query and omits scope when none is given", () => {
    const b = fakeBrowser();
    const url = new URL(buildImplicitAuthorizeUrl({ ...opts, authorizeUrl: "http://127.0.0.1:9/oauth/authorize?x=1" }, b.deps));
    expect(url.host).toBe("127.0.0.1:9");
    expect(url.searchParams.get("x")).toBe("1");
    expect(url.searchParams.has("scope")).toBe(false);
  });

  it("makes a state of at least 128 bits that never repeats over 1000 calls", () => {
    const b = fakeBrowser();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const state = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
      expect(state).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      seen.add(state);
    }
    expect(seen.size).toBe(1000);
  });

  it("draws the state from crypto.getRandomValues", () => {
    const b = fakeBrowser();
    const crypto: CryptoLike = {
      getRandomValues: (array) => {
        array.fill(0xfb);
        return array;
      },
    };
    const state = stateOf(buildImplicitAuthorizeUrl(opts, { ...b.deps, crypto }));
    expect(state).toBe(Buffer.alloc(32, 0xfb).toString("base64url"));
  });

  it("stores the state in sessionStorage under express-pitchly:state", () => {
    const b = fakeBrowser();
    const state = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
    expect(IMPLICIT_STATE_KEY).toBe("express-pitchly:state");
    expect(pendingStates(b.storage, IMPLICIT_STATE_KEY).map((e) => e.state)).toEqual([state]);
  });

  it("keeps only the 5 newest pending states", () => {
    const b = fakeBrowser();
    const states = Array.from({ length: 7 }, () => stateOf(buildImplicitAuthorizeUrl(opts, b.deps)));
    expect(pendingStates(b.storage, IMPLICIT_STATE_KEY).map((e) => e.state)).toEqual(states.slice(2));
  });

  it("drops pending states older than 10 minutes when a new one is stored", () => {
    const b = fakeBrowser();
    const old = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
    b.clock.now += 10 * 60 * 1000 + 1;
    const fresh = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
    const stored = pendingStates(b.storage, IMPLICIT_STATE_KEY).map((e) => e.state);
    expect(stored).toEqual([fresh]);
    expect(stored).not.toContain(old);
  });

  it("lets two logins started in parallel both complete", () => {
    const b = fakeBrowser();
    const first = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
    const second = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
    b.visit(`https://app.example/callback#access_token=t2&expires_in=60&state=${second}`);
    expect(completeImplicitLogin(b.deps).accessToken).toBe("t2");
    b.visit(`https://app.example/callback#access_token=t1&expires_in=60&state=${first}`);
    expect(completeImplicitLogin(b.deps).accessToken).toBe("t1");
  });

  it("starts over cleanly when sessionStorage holds garbage", () => {
    const b = fakeBrowser();
    b.storage.setItem(IMPLICIT_STATE_KEY, "{not json");
    const state = stateOf(buildImplicitAuthorizeUrl(opts, b.deps));
    expect(pendingStates(b.storage, IMPLICIT_STATE_KEY).map((e) => e.state)).toEqual([state]);
  });

  it.each([
    [{ ...opts, clientId: "" }, /clientId/],
    [{ ...opts, redirectUri: "/callback" }, /redirectUri/],
    [{ ...opts, redirectUri: "javascript:alert(1)" }, /redirectUri/],
    [{ ...opts, authorizeUrl: "ftp://pitchly/oauth" }, /authorizeUrl/],
  ])("rejects bad options with invalid_options and stores nothing (%#)", (bad, field) => {
    const b = fakeBrowser();
    expect(() => buildImplicitAuthorizeUrl(bad, b.deps)).toThrow(field);
    expect(() => buildImplicitAuthorizeUrl(bad, b.deps)).toThrow(expect.objectContaining({ code: "invalid_options" }));
    expect(b.storage.items.size).toBe(0);
  });

  it("says browser_unsupported (not a TypeError) where there is no sessionStorage, e.g. during SSR", () => {
    const b = fakeBrowser();
    const { storage: _omitted, ...noStorage } = b.deps;
    let caught: unknown;
    try {
      buildImplicitAuthorizeUrl(opts, noStorage);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PitchlyBrowserError);
    expect((caught as PitchlyBrowserError).code).toBe("browser_unsupported");
  });
});

describe("startImplicitLogin", () => {
  it("navigates with location.assign to an authorize URL whose state is pending", () => {
    const b = fakeBrowser();
    startImplicitLogin(opts, b.deps);
    expect(b.assigned).toHaveLength(1);
    const url = new URL(b.assigned[0] ?? "");
    expect(url.searchParams.get("response_type")).toBe("token");
    expect(pendingStates(b.storage, IMPLICIT_STATE_KEY).map((e) => e.state)).toEqual([url.searchParams.get("state")]);
  });
});
