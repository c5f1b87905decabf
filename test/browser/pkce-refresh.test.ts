// refreshPkceToken(): secret-free refresh_token grant, rotation, and the errors a public client must tell apart.
import { refreshPkceToken } from "express-pitchly/browser";
import { rejection } from "./fake-browser";
import { startLocalServer, type LocalServer } from "./local-server";

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const NOW = Date.UTC(2025, 0, 1);
const deps = { now: () => NOW };
const opts = () => ({ clientId: "spa-client", redirectUri: "https://app.example/callback", tokenUrl: `${server.url}/oauth/token` });

describe("refreshPkceToken", () => {
  it("posts grant_type=refresh_token with client_id and no secret, returning the rotated pair", async () => {
    server.reply({ body: { access_token: "at-2", token_type: "Bearer", expires_in: 3600, refresh_token: "rt-2", scope: "read" } });
    const token = await refreshPkceToken(opts(), "rt-1", deps);
    expect(token).toEqual({ accessToken: "at-2", tokenType: "Bearer", expiresAt: NOW + 3_600_000, refreshToken: "rt-2", scope: "read" });
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: "refresh_token", refresh_token: "rt-1", client_id: "spa-client" });
    expect(server.requests[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("keeps the old refresh token when the answer carries none", async () => {
    server.reply({ body: { access_token: "at-3", token_type: "Bearer", expires_in: 60 } });
    const token = await refreshPkceToken(opts(), "rt-keep", deps);
    expect(token.accessToken).toBe("at-3");
    expect(token.refreshToken).toBe("rt-keep");
  });

  it("maps invalid_grant (a used or revoked refresh token) to refresh_rejected", async () => {
    server.reply({ status: 400, body: { error: "invalid_grant", error_description: "<b>used</b>" } });
    const error = await rejection(refreshPkceToken(opts(), "rt-old", deps));
    expect(error.code).toBe("refresh_rejected");
    expect(error.status).toBe(400);
    expect(error.message).not.toContain("<b>");
  });

  it("maps other 4xx answers to token_exchange_failed", async () => {
    server.reply({ status: 400, body: { error: "invalid_request" } });
    const error = await rejection(refreshPkceToken(opts(), "rt-1", deps));
    expect(error.code).toBe("token_exchange_failed");
    expect(error.message).toContain("(invalid_request)");
  });

  it.each([500, 502, 429])("maps %i to pitchly_unavailable", async (status) => {
    server.reply({ status, body: { error: "server_error" } });
    expect((await rejection(refreshPkceToken(opts(), "rt-1", deps))).code).toBe("pitchly_unavailable");
  });

  it("maps an unreachable endpoint to pitchly_unavailable", async () => {
    const gone = await startLocalServer();
    await gone.close();
    const error = await rejection(refreshPkceToken({ ...opts(), tokenUrl: `${gone.url}/oauth/token` }, "rt-1", deps));
    expect(error.code).toBe("pitchly_unavailable");
  });

  it("rejects an empty refresh token without calling Pitchly", async () => {
    const error = await rejection(refreshPkceToken(opts(), "", deps));
    expect(error.code).toBe("invalid_options");
    expect(server.requests).toHaveLength(0);
  });
});
