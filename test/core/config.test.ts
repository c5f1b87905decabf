// pitchlyAuth() rejects bad options up front, naming every bad field.
import { PitchlyConfigError, pitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";

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
