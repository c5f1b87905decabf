// Issue 10 point 9 at runtime: the leeway is held below the token's real lifetime, a missing expires_in means the
// generation's documented lifetime, and expires_in: 0 does not break sign-in.
import type { Server } from "node:http";
import session from "express-session";
import request from "supertest";
import type { MockPitchly } from "express-pitchly/testing";
import { DEFAULT_LIFETIME_SECONDS } from "../../src/pitchly/endpoints";
import { readTokenAnswer } from "../../src/pitchly/token-answer";
import { signInThrough } from "../helpers/flows";
import { MOUNTS, mountedApp, startMockForMounts } from "../helpers/mounts";
import { startGateway, type Gateway } from "../security/helpers/gateway";

let mock: MockPitchly;
let gw: Gateway;
let server: Server | undefined;
afterEach(async () => {
  server?.close();
  await gw?.close();
  await mock.close();
});

describe.each(MOUNTS)("router mounted at %s", (mount) => {
  async function app(options: Parameters<typeof mountedApp>[3], ttl?: number) {
    mock = await startMockForMounts(ttl === undefined ? {} : { accessTokenTtlSeconds: ttl });
    gw = await startGateway(`${mock.url}/oauth/token`);
    const m = mountedApp(mount, mock, new session.MemoryStore(), { tokenUrl: gw.tokenUrl, ...options });
    server = m.listen();
    return { m, agent: request.agent(server) };
  }

  it("a leeway at or above the token's lifetime does not rotate on every request", async () => {
    const { m, agent } = await app({ refreshLeewaySeconds: 600 }, 120);
    await signInThrough(mock, agent, m.paths.login);
    for (let i = 0; i < 3; i++) await agent.get(m.paths.token).expect(200);
    expect(mock.stats.token.refresh_token).toBe(0);
  });

  it.each([
    ["without expires_in", (a: Record<string, unknown>) => ({ ...a, expires_in: undefined })],
    ["with expires_in: 0", (a: Record<string, unknown>) => ({ ...a, expires_in: 0 })],
  ])("signs in %s, with v2's documented two hours", async (_name, edit) => {
    const { m, agent } = await app({});
    gw.set({ kind: "rewrite", edit }, 1);
    expect((await signInThrough(mock, agent, m.paths.login)).status).toBe(302);
    const { expiresAt } = (await agent.get(m.paths.token).expect(200)).body as { expiresAt: number };
    expect(Math.abs(expiresAt - Date.now() - 7200 * 1000)).toBeLessThan(60_000);
  });
});

it("reads a missing expires_in as each generation's lifetime (v2 two hours, platform one hour)", () => {
  expect(DEFAULT_LIFETIME_SECONDS).toEqual({ v2: 7200, platform: 3600 });
  const now = Date.now();
  const read = readTokenAnswer(JSON.stringify({ access_token: "pat_x", token_type: "bearer" }), {
    defaultLifetimeSeconds: DEFAULT_LIFETIME_SECONDS.platform,
    refusesZeroLifetime: false,
  });
  if (!read.ok) throw new Error(read.what);
  expect(Math.abs(read.tokens.expiresAt - now - 3600 * 1000)).toBeLessThan(5_000);
});
