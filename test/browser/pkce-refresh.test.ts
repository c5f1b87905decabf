// refreshPkceToken(): secret-free refresh_token grant, rotation, and the errors a public client must tell apart.
import { refreshPkceToken } from "express-pitchly/browser";
import { secretMarker } from "express-pitchly/testing";
import { rejection } from "./fake-browser";
import { SPA, answer, deadUrl, sent, useSpaPitchly } from "./local-pitchly";

const local = useSpaPitchly();

const NOW = Date.UTC(2025, 0, 1);
const deps = { now: () => NOW };
const opts = () => ({ ...SPA, tokenUrl: `${local.server.url}/oauth/token` });
const reply = (status: number, body: unknown) => local.server.setFaults({ token: answer(status, body) });

describe("refreshPkceToken", () => {
  it("posts grant_type=refresh_token with client_id and no secret, returning the rotated pair", async () => {
    const issued = local.server.issueTokens({ clientId: SPA.clientId });
    const token = await refreshPkceToken(opts(), issued.refresh_token, { now: () => Date.now() });
    expect(token).toEqual({
      accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: "bearer",
      expiresAt: expect.any(Number),
      refreshToken: expect.stringMatching(/^prt_/),
      scope: issued.scope,
    });
    expect(token.refreshToken).not.toBe(issued.refresh_token);
    const [req] = sent(local.server, "/oauth/token");
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: secretMarker(issued.refresh_token),
      client_id: "spa-client",
    });
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.status).toBe(200);
  });

  it("keeps scope and expiry exactly as Pitchly answered", async () => {
    reply(200, { access_token: "at-2", token_type: "Bearer", expires_in: 3600, refresh_token: "rt-2", scope: "read" });
    const token = await refreshPkceToken(opts(), "rt-1", deps);
    expect(token).toEqual({
      accessToken: "at-2",
      tokenType: "Bearer",
      expiresAt: NOW + 3_600_000,
      refreshToken: "rt-2",
      scope: "read",
    });
  });

  it("keeps the old refresh token when the answer carries none", async () => {
    reply(200, { access_token: "at-3", token_type: "Bearer", expires_in: 60 });
    const token = await refreshPkceToken(opts(), "rt-keep", deps);
    expect(token.accessToken).toBe("at-3");
    expect(token.refreshToken).toBe("rt-keep");
  });

  it("maps invalid_grant (a used or revoked refresh token) to refresh_rejected", async () => {
    reply(400, { error: "invalid_grant", error_description: "<b>used</b>" });
    const error = await rejection(refreshPkceToken(opts(), "rt-old", deps));
    expect(error.code).toBe("refresh_rejected");
    expect(error.status).toBe(400);
    expect(error.message).not.toContain("<b>");
  });

  it("maps other 4xx answers to token_exchange_failed", async () => {
    reply(400, { error: "invalid_request" });
    const error = await rejection(refreshPkceToken(opts(), "rt-1", deps));
    expect(error.code).toBe("token_exchange_failed");
    expect(error.message).toContain("(invalid_request)");
  });

  it.each([500, 502, 429])("maps %i to pitchly_unavailable", async (status) => {
    reply(status, { error: "server_error" });
    expect((await rejection(refreshPkceToken(opts(), "rt-1", deps))).code).toBe("pitchly_unavailable");
  });

  it("maps an unreachable endpoint to pitchly_unavailable", async () => {
    const error = await rejection(refreshPkceToken({ ...opts(), tokenUrl: `${await deadUrl()}/oauth/token` }, "rt-1", deps));
    expect(error.code).toBe("pitchly_unavailable");
  });

  it("rejects an empty refresh token without calling Pitchly", async () => {
    const error = await rejection(refreshPkceToken(opts(), "", deps));
    expect(error.code).toBe("invalid_options");
    expect(sent(local.server, "/oauth/token")).toHaveLength(0);
  });
});
