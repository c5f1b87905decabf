// Issue 10 points 6 and 9 (and 11's authorizationParams): options that pass a type check but cannot work are refused up front.
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

const lock: RefreshLock = { acquire: async () => ({ key: "k", token: "t" }), release: async () => undefined } as unknown as RefreshLock;

describe("config that passes a type check but cannot work", () => {
  it("refuses a lock without a tokenStore, and says why (point 6)", () => {
    const err = configError({ ...valid, lock });
    expect(err.message).toMatch(/lock: needs a tokenStore/);
    expect(err.message).toMatch(/own session copy/);
    expect(() => pitchlyAuth({ ...valid, lock, tokenStore: new MemoryTokenStore() })).not.toThrow();
  });

  it.each([
    ["a #fragment in redirectUri", { redirectUri: "http://localhost:3000/auth/pitchly/callback#x" }, /redirectUri: must not contain a #fragment/],
    ["a redirectUri path starting with //", { redirectUri: "http://localhost:3000//evil.example/auth/pitchly/callback" }, /redirectUri: its path must not start with '\/\/'/],
    ["a whitespace-only clientSecret", { clientSecret: "   " }, /clientSecret: must not be only whitespace/],
    ["a whitespace-only clientId", { clientId: "\t" }, /clientId: must not be only whitespace/],
    ["a route with a :param", { routes: { login: "/auth/:provider/login" } }, /routes.login: must be a plain path/],
    ["a route with a wildcard", { routes: { logout: "/auth/*" } }, /routes.logout: must be a plain path/],
    ["a route with a group", { routes: { login: "/auth/(pitchly)/login" } }, /routes.login: must be a plain path/],
    ["a route starting with //", { routes: { login: "//auth/login" } }, /routes.login: must not start with '\/\/'/],
    ["two routes on one path", { routes: { login: "/auth/x", logout: "/auth/x" } }, /routes.logout: is the same path as routes.login/],
    ["two routes differing in case and slash only", { routes: { login: "/auth/X/", logout: "/auth/x" } }, /routes.logout: is the same path as routes.login/],
    ["authorizationParams overriding state", { authorizationParams: { state: "fixed" } }, /authorizationParams.state: is set by express-pitchly/],
    ["authorizationParams overriding redirect_uri", { authorizationParams: { redirect_uri: "https://evil.example" } }, /authorizationParams.redirect_uri/],
    ["authorizationParams overriding code_challenge", { authorizationParams: { code_challenge: "x" } }, /authorizationParams.code_challenge/],
    ["authorizationParams overriding response_type", { authorizationParams: { response_type: "token" } }, /authorizationParams.response_type/],
    ["authorizationParams overriding client_id", { authorizationParams: { client_id: "other" } }, /authorizationParams.client_id/],
    ["authorizationParams setting scope", { authorizationParams: { scope: "all" } }, /authorizationParams.scope: set with the `scope` option/],
    ["authorizationParams with a non-string value", { authorizationParams: { prompt: 1 } }, /authorizationParams.prompt/],
  ])("refuses %s (point 9)", (_name, change, message) => {
    expect(configError({ ...valid, ...change }).message).toMatch(message);
  });

  it("accepts what is legal: scope \"\", extra authorize parameters, plain custom routes", () => {
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
