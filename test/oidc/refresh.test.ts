// Refresh against oidc-provider with rotating refresh tokens: rotations in a row, and a storm on one expired token.
import { MemoryTokenStore, type PitchlyAuthOptions } from "express-pitchly";
import { currentToken, expireAccessToken, oidcSuite, signInForGrant, type Mount } from "./harness";
import { refreshCalls, successes, type ProviderEvent } from "./provider";

const suite = oidcSuite({ rotateRefreshToken: true });

/** What oidc-provider reports when a consumed refresh token comes back: it then revokes the whole grant. */
function reuseDetected(events: ProviderEvent[]): ProviderEvent[] {
  return events.filter(
    (e) =>
      e.name === "grant.revoked" ||
      e.name === "server_error" ||
      (e.name === "grant.error" && e.errorDetail === "refresh token already used"),
  );
}

const modes: Array<[string, () => Partial<PitchlyAuthOptions>]> = [
  ["tokens in the session", () => ({})],
  ["tokens in a MemoryTokenStore", () => ({ tokenStore: new MemoryTokenStore() })],
];

describe.each(modes)("%s", (_mode, extra) => {
  it("rotates three times in a row: each a new access token, each previous refresh token dead at oidc-provider", async () => {
    const h = await suite.app(extra());
    const agent = h.agent();
    const refreshTokens = [(await signInForGrant(h, agent)).answer!.refreshToken!];
    const hashes = [(await currentToken(agent)).hash];

    for (let rotation = 1; rotation <= 3; rotation++) {
      expireAccessToken();
      const token = await currentToken(agent);
      const refreshes = successes(refreshCalls(await suite.provider.events()));
      expect(refreshes).toHaveLength(rotation);
      const latest = refreshes[rotation - 1]!.answer!;
      expect(token.hash).toBe(latest.accessTokenHash);
      expect(hashes).not.toContain(token.hash);
      expect(refreshTokens).not.toContain(latest.refreshToken);
      // The rotation consumed exactly the refresh token the previous step issued, so the app sent the newest one.
      await expect(suite.provider.refreshTokenConsumed(refreshTokens[rotation - 1]!)).resolves.toBe(true);
      await expect(suite.provider.refreshTokenConsumed(latest.refreshToken!)).resolves.toBe(false);
      hashes.push(token.hash);
      refreshTokens.push(latest.refreshToken!);
      // Still fresh: served without another token call.
      expect((await currentToken(agent)).hash).toBe(token.hash);
      expect(refreshCalls(await suite.provider.events())).toHaveLength(rotation);
    }
    expect(reuseDetected(await suite.provider.events())).toEqual([]);

    // The first refresh token, presented again by someone else, is refused by oidc-provider.
    const replay = await suite.provider.redeem(refreshTokens[0]!);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("20 concurrent requests on an expired token: exactly one refresh, no refresh-token reuse detected", async () => {
    const h = await suite.app(extra());
    const agent = h.agent();
    const issued = (await signInForGrant(h, agent)).answer!.refreshToken!;
    const before = (await currentToken(agent)).hash;
    expireAccessToken();

    const answers = await Promise.all(Array.from({ length: 20 }, () => agent.get("/api/x").set("accept", "application/json")));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const events = await suite.provider.events();
    const calls = refreshCalls(events);
    expect(calls.map((c) => c.name)).toEqual(["grant.success"]);
    expect(reuseDetected(events)).toEqual([]);
    const refreshed = calls[0]!.answer!;
    expect(new Set(answers.map((r) => (r.body as { hash: string }).hash))).toEqual(new Set([refreshed.accessTokenHash]));
    expect(refreshed.accessTokenHash).not.toBe(before);
    await expect(suite.provider.refreshTokenConsumed(issued)).resolves.toBe(true);

    // The app kept the newest refresh token: the next rotation works, still without reuse.
    expireAccessToken();
    const next = await currentToken(agent);
    const after = await suite.provider.events();
    expect(refreshCalls(after).map((c) => c.name)).toEqual(["grant.success", "grant.success"]);
    expect(next.hash).toBe(refreshCalls(after)[1]!.answer!.accessTokenHash);
    expect(reuseDetected(after)).toEqual([]);
  });

  it.each<[string, Mount]>([
    ["at the root", ""],
    ["under a prefix", "/sso"],
  ])(
    "router %s: a slow request saving the session across a rotation does not bring the dead refresh token back (restart)",
    async (_where, mount) => {
      const h = await suite.app({ ...extra(), mount });
      const agent = h.agent();
      await signInForGrant(h, agent);
      expireAccessToken();
      // A request of the app's own loads the session (with the pair about to die), then outlives the rotation.
      const hold = h.holdNextWrite();
      const slow = agent.post("/api/write");
      const slowDone = slow.then((r) => r);
      await hold.entered;
      const rotated = await currentToken(agent);
      hold.release();
      expect((await slowDone).status).toBe(200);

      // After a restart only the stores know the pair; the next rotation must present the one the first issued.
      h.restart();
      expireAccessToken();
      const res = await agent.get("/api/x").set("accept", "application/json");
      const events = await suite.provider.events();
      expect(reuseDetected(events)).toEqual([]);
      expect(res.status).toBe(200);
      expect(refreshCalls(events).map((c) => c.name)).toEqual(["grant.success", "grant.success"]);
      expect((res.body as { hash: string }).hash).not.toBe(rotated.hash);
    },
  );
});
