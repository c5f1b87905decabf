// pitchlyAuth() rejects bad options up front, naming every bad field.
import { MemoryTokenStore, PitchlyConfigError, pitchlyAuth, type PitchlyAuthOptions, type RefreshLock } from "express-pitchly";

const valid: PitchlyAuthOptions = {
  clientId: "id",
  clientSecret: "secret",
  redirectUri: "http://localhost:3000/auth/pitchly/callback",
};

function configError(options: unknown): PitchlyConfigError {
  try {
    pitchlyAuth(options as PitchlyAuthOptions);
  } catch (err) {
    if (err instanceof PitchlyConfigError) return err;
    throw err;
  }
  throw new Error("pitchlyAuth accepted invalid options");
}

describe("pitchlyAuth options", () => {
  it("accepts the minimal options and returns the router, middleware factory and clientFor", () => {
    const auth = pitchlyAuth(valid);
    expect(typeof auth.router).toBe("function");
    expect(typeof auth.requirePitchlyToken()).toBe("function");
    expect(typeof auth.clientFor).toBe("function");
    expect(auth.tokenStore).toBeUndefined();
  });

  it("names every missing or bad field at once", () => {
    const err = configError({ redirectUri: "/relative/callback", refreshLeewaySeconds: -5 });
    expect(err.code).toBe("config_invalid");
    const text = err.issues.join("\n");
    expect(text).toMatch(/^clientId: /m);
    expect(text).toMatch(/^clientSecret: /m);
    expect(text).toMatch(/^redirectUri: must be an absolute http\(s\) URL/m);
    expect(text).toMatch(/^refreshLeewaySeconds: /m);
    expect(err.issues).toHaveLength(4);
  });

  it("rejects non-http redirect URIs and endpoints", () => {
    const err = configError({ ...valid, redirectUri: "javascript:alert(1)", tokenUrl: "ftp://x/token" });
    expect(err.issues.join("\n")).toMatch(/redirectUri/);
    expect(err.issues.join("\n")).toMatch(/tokenUrl/);
  });

  it("suggests the right name for a typo", () => {
    const err = configError({ ...valid, clientSecert: "x", rotues: {} });
    expect(err.message).toContain("clientSecert: unknown option (did you mean `clientSecret`?)");
    expect(err.message).toContain("rotues: unknown option (did you mean `routes`?)");
  });

  it("checks the routes object too", () => {
    const err = configError({ ...valid, routes: { logn: "/x" } });
    expect(err.message).toContain("routes.logn: unknown option (did you mean `login`?)");
  });

  it("refuses a redirectUri that no route of the router serves", () => {
    const err = configError({ ...valid, redirectUri: "http://localhost:3000/elsewhere" });
    expect(err.message).toMatch(/does not end with routes.callback/);
  });

  it("accepts a router mounted under a prefix and custom routes", () => {
    expect(() =>
      pitchlyAuth({ ...valid, redirectUri: "https://app.example/auth/cb", routes: { callback: "/cb" } }),
    ).not.toThrow();
  });

  it("rejects a successRedirect that leaves the origin", () => {
    expect(configError({ ...valid, successRedirect: "//evil.example" }).message).toMatch(/successRedirect/);
    expect(configError({ ...valid, successRedirect: "https://evil.example" }).message).toMatch(/successRedirect/);
  });

  it("rejects stores and loggers that do not fit their contract", () => {
    const err = configError({ ...valid, tokenStore: { get() {} }, logger: console, onLogin: "yes" });
    const text = err.issues.join("\n");
    expect(text).toMatch(/tokenStore: must implement the TokenStore contract/);
    expect(text).toMatch(/logger: must be a pino logger/);
    expect(text).toMatch(/onLogin: must be a function/);
  });

  it("clientFor without a tokenStore explains what is needed", () => {
    expect(() => pitchlyAuth(valid).clientFor("grant")).toThrow(/needs a server-side tokenStore/);
  });
});

// Issue 10 points 6 and 9 (and 11's authorizationParams): options that pass a type check but cannot work.
const lock: RefreshLock = {
  acquire: async () => ({ key: "k", token: "t" }),
  release: async () => undefined,
} as unknown as RefreshLock;

describe("config that passes a type check but cannot work", () => {
  it("refuses a lock without a tokenStore, and says why (point 6)", () => {
    const err = configError({ ...valid, lock });
    expect(err.message).toMatch(/lock: needs a tokenStore/);
    expect(err.message).toMatch(/own session copy/);
    expect(() => pitchlyAuth({ ...valid, lock, tokenStore: new MemoryTokenStore() })).not.toThrow();
  });

  it.each([
    [
      "a #fragment in redirectUri",
      { redirectUri: "http://localhost:3000/auth/pitchly/callback#x" },
      /redirectUri: must not contain a #fragment/,
    ],
    [
      "a redirectUri path starting with //",
      { redirectUri: "http://localhost:3000//evil.example/auth/pitchly/callback" },
      /redirectUri: its path must not start with '\/\/'/,
    ],
    ["a whitespace-only clientSecret", { clientSecret: "   " }, /clientSecret: must not be only whitespace/],
    ["a whitespace-only clientId", { clientId: "\t" }, /clientId: must not be only whitespace/],
    ["a route with a :param", { routes: { login: "/auth/:provider/login" } }, /routes.login: must be a plain path/],
    ["a route with a wildcard", { routes: { logout: "/auth/*" } }, /routes.logout: must be a plain path/],
    ["a route with a group", { routes: { login: "/auth/(pitchly)/login" } }, /routes.login: must be a plain path/],
    ["a route starting with //", { routes: { login: "//auth/login" } }, /routes.login: must not start with '\/\/'/],
    [
      "two routes on one path",
      { routes: { login: "/auth/x", logout: "/auth/x" } },
      /routes.logout: is the same path as routes.login/,
    ],
    [
      "two routes differing in case and slash only",
      { routes: { login: "/auth/X/", logout: "/auth/x" } },
      /routes.logout: is the same path as routes.login/,
    ],
    [
      "authorizationParams overriding state",
      { authorizationParams: { state: "fixed" } },
      /authorizationParams.state: is set by express-pitchly/,
    ],
    [
      "authorizationParams overriding redirect_uri",
      { authorizationParams: { redirect_uri: "https://evil.example" } },
      /authorizationParams.redirect_uri/,
    ],
    [
      "authorizationParams overriding code_challenge",
      { authorizationParams: { code_challenge: "x" } },
      /authorizationParams.code_challenge/,
    ],
    [
      "authorizationParams overriding response_type",
      { authorizationParams: { response_type: "token" } },
      /authorizationParams.response_type/,
    ],
    [
      "authorizationParams overriding client_id",
      { authorizationParams: { client_id: "other" } },
      /authorizationParams.client_id/,
    ],
    [
      "authorizationParams setting scope",
      { authorizationParams: { scope: "all" } },
      /authorizationParams.scope: set with the `scope` option/,
    ],
    ["authorizationParams with a non-string value", { authorizationParams: { prompt: 1 } }, /authorizationParams.prompt/],
  ])("refuses %s (point 9)", (_name, change, message) => {
    expect(configError({ ...valid, ...change }).message).toMatch(message);
  });

  it('accepts what is legal: scope "", extra authorize parameters, plain custom routes', () => {
    expect(() =>
      pitchlyAuth({
        ...valid,
        scope: "",
        authorizationParams: { prompt: "consent", login_hint: "ada@example.com" },
        redirectUri: "http://localhost:3000/sso/cb",
        routes: { callback: "/sso/cb", login: "/sso/in", logout: "/sso/out" },
      }),
    ).not.toThrow();
  });
});
