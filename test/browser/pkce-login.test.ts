// PKCE first leg and code exchange: S256 challenge, stored verifier, query scrubbing, secret-free token POST.
import { createHash } from "node:crypto";
import {
  PKCE_STATE_KEY,
  buildPkceAuthorizeUrl,
  completePkceLogin,
  hasPkceCallback,
  startPkceLogin,
} from "express-pitchly/browser";
import { secretMarker, type Fault } from "express-pitchly/testing";
import { HISTORY_STATE, fakeBrowser, pendingStates, rejection, type FakeBrowser } from "./fake-browser";
import { SPA, answer, page, sent, useSpaPitchly } from "./local-pitchly";

const local = useSpaPitchly();
beforeEach(() => {
  // A made-up code cannot be redeemed: the token answer is the fault's, so each test decides it.
  reply(answer(200, { access_token: "at-1", token_type: "Bearer", expires_in: 7200, refresh_token: "rt-1" }));
});

const reply = (fault: Fault) => local.server.setFaults({ token: fault });
const tokenCalls = () => sent(local.server, "/oauth/token");
const opts = () => ({ ...SPA, tokenUrl: `${local.server.url}/oauth/token` });

async function begin(b: FakeBrowser): Promise<{ url: URL; state: string; verifier: string }> {
  const url = new URL(await buildPkceAuthorizeUrl(opts(), b.deps));
  const state = url.searchParams.get("state") ?? "";
  const entry = pendingStates(b.storage, PKCE_STATE_KEY).find((e) => e.state === state);
  return { url, state, verifier: entry?.verifier ?? "" };
}

describe("buildPkceAuthorizeUrl", () => {
  it("sends an S256 challenge of base64url(SHA-256(verifier)) and keeps the verifier out of the URL", async () => {
    const b = fakeBrowser();
    const { url, state, verifier } = await begin(b);
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const challenge = url.searchParams.get("code_challenge") ?? "";
    expect(challenge).toHaveLength(43);
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("client_id")).toBe("spa-client");
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.example/callback");
    expect(state).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(url.href).not.toContain(verifier);
    expect(url.searchParams.has("client_secret")).toBe(false);
  });

  it("makes a new verifier and state every time", async () => {
    const b = fakeBrowser();
    const first = await begin(b);
    const second = await begin(b);
    expect(second.verifier).not.toBe(first.verifier);
    expect(second.state).not.toBe(first.state);
    expect(pendingStates(b.storage, PKCE_STATE_KEY)).toHaveLength(2);
  });

  it("refuses to fall back to `plain` without crypto.subtle, storing nothing", async () => {
    const b = fakeBrowser();
    const crypto = { getRandomValues: (a: Uint8Array<ArrayBuffer>) => globalThis.crypto.getRandomValues(a) };
    const error = await rejection(buildPkceAuthorizeUrl(opts(), { ...b.deps, crypto }));
    expect(error.code).toBe("browser_unsupported");
    expect(b.storage.items.size).toBe(0);
  });

  it("startPkceLogin navigates to the authorize URL", async () => {
    const b = fakeBrowser();
    await startPkceLogin(opts(), b.deps);
    expect(b.assigned).toHaveLength(1);
    expect(new URL(b.assigned[0] ?? "").searchParams.get("code_challenge_method")).toBe("S256");
  });
});

describe("completePkceLogin", () => {
  it("exchanges the code with the stored verifier and no secret, and scrubs the query", async () => {
    const b = fakeBrowser();
    const { state, verifier } = await begin(b);
    b.clock.now += 5_000;
    b.visit(`https://app.example/callback?code=the-code&state=${state}`);
    const token = await completePkceLogin(opts(), b.deps);
    expect(token).toEqual({ accessToken: "at-1", tokenType: "Bearer", expiresAt: b.clock.now + 7_200_000, refreshToken: "rt-1" });

    expect(tokenCalls()).toHaveLength(1);
    const req = tokenCalls()[0];
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(req?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "authorization_code",
      code: secretMarker("the-code"),
      redirect_uri: "https://app.example/callback",
      client_id: "spa-client",
      code_verifier: secretMarker(verifier),
    });
    expect(form.has("client_secret")).toBe(false);

    expect(b.replaced).toEqual([{ data: HISTORY_STATE, unused: "", url: "/callback" }]);
    expect(b.location.href).toBe("https://app.example/callback");
    expect(pendingStates(b.storage, PKCE_STATE_KEY)).toEqual([]);
  });

  it.each([
    ["a foreign state", () => "code=c&state=forged", "state_mismatch"],
    ["no state", () => "code=c", "state_missing"],
    ["a denial", (s: string) => `error=access_denied&state=${s}`, "access_denied"],
    ["another provider error", (s: string) => `error=invalid_scope&state=${s}`, "provider_error"],
    ["no code", (s: string) => `state=${s}`, "token_response_invalid"],
    ["a repeated code", (s: string) => `code=a&code=b&state=${s}`, "token_response_invalid"],
    ["nothing from Pitchly", () => "tab=2", "no_callback"],
  ])("rejects %s before any token request, still scrubbing", async (_label, query, code) => {
    const b = fakeBrowser();
    const { state } = await begin(b);
    b.visit(`https://app.example/callback?${query(state)}`);
    const error = await rejection(completePkceLogin(opts(), b.deps));
    expect(error.code).toBe(code);
    expect(tokenCalls()).toHaveLength(0);
    expect(b.location.search).toBe("");
  });

  it("uses a state once: replaying the callback URL fails", async () => {
    const b = fakeBrowser();
    const { state } = await begin(b);
    const callback = `https://app.example/callback?code=c&state=${state}`;
    b.visit(callback);
    await completePkceLogin(opts(), b.deps);
    b.visit(callback);
    expect((await rejection(completePkceLogin(opts(), b.deps))).code).toBe("state_mismatch");
    expect(tokenCalls()).toHaveLength(1);
  });

  it.each([
    ["400 invalid_grant", answer(400, { error: "invalid_grant" }), "token_exchange_failed"],
    ["401 invalid_client", answer(401, { error: "invalid_client" }), "token_exchange_failed"],
    ["503", answer(503, { error: "busy" }), "pitchly_unavailable"],
    ["200 HTML", page(200, "<html></html>"), "token_response_invalid"],
    ["no access_token", answer(200, { token_type: "Bearer", expires_in: 60 }), "token_response_invalid"],
    ["string expires_in", answer(200, { access_token: "a", token_type: "Bearer", expires_in: "60" }), "token_response_invalid"],
    ["zero expires_in", answer(200, { access_token: "a", token_type: "Bearer", expires_in: 0 }), "token_response_invalid"],
    ["no token_type", answer(200, { access_token: "a", expires_in: 60 }), "token_response_invalid"],
    [
      "numeric refresh_token",
      answer(200, { access_token: "a", token_type: "Bearer", expires_in: 60, refresh_token: 7 }),
      "token_response_invalid",
    ],
  ])("maps a token endpoint answer of %s to %s", async (_label, fault, code) => {
    reply(fault);
    const b = fakeBrowser();
    const { state } = await begin(b);
    b.visit(`https://app.example/callback?code=c&state=${state}`);
    const error = await rejection(completePkceLogin(opts(), b.deps));
    expect(error.code).toBe(code);
    expect(tokenCalls()).toHaveLength(1);
  });
});

describe("hasPkceCallback", () => {
  it("recognises ?code / ?error answers only", () => {
    const b = fakeBrowser("https://app.example/callback?code=x&state=y");
    expect(hasPkceCallback(b.deps)).toBe(true);
    b.visit("https://app.example/callback?page=2");
    expect(hasPkceCallback(b.deps)).toBe(false);
  });
});
