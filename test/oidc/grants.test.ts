// Grants oidc-provider ends or narrows: a revoked grant sends the user to sign in; a partial grant is never exceeded.
import { MemoryTokenStore, type PitchlyAuthOptions } from "express-pitchly";
import { currentToken, expireAccessToken, oidcSuite, signInForGrant, type Agent } from "./harness";
import { refreshCalls, successes } from "./provider";

const suite = oidcSuite();

const modes: Array<[string, () => Partial<PitchlyAuthOptions>]> = [
  ["tokens in the session", () => ({})],
  ["tokens in a MemoryTokenStore", () => ({ tokenStore: new MemoryTokenStore() })],
];

async function expectLoginRequired(agent: Agent, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const page = await agent.get("/api/x").set("accept", "text/html").expect(302);
    expect(page.headers.location).toBe(`/auth/pitchly/login?returnTo=${encodeURIComponent("/api/x")}`);
    await agent.get("/api/x").set("accept", "application/json").expect(401, { error: "login_required" });
  }
}

describe.each(modes)("a grant ended at oidc-provider (%s)", (_mode, extra) => {
  it("revoked at the revocation endpoint → login_required (302 page, 401 JSON), the grant gone, no retry loop", async () => {
    const h = await suite.app(extra());
    const agent = h.agent();
    const code = await signInForGrant(h, agent);
    expect((await suite.provider.revoke(code.answer!.refreshToken!, "refresh_token")).status).toBe(200);
    expect(await suite.provider.events()).toContainEqual({ name: "grant.revoked", grantId: code.grantId });
    await expect(suite.provider.grantExists(code.grantId!)).resolves.toBe(false);

    // The access token runs out; the refresh oidc-provider refuses means: sign in again.
    expireAccessToken();
    await expectLoginRequired(agent, 3);
    // One refused refresh, then the dead grant is forgotten: not one more token call per request.
    const calls = refreshCalls(await suite.provider.events());
    expect(calls.map((c) => [c.name, c.error])).toEqual([["grant.error", "invalid_grant"]]);
    expect((await suite.provider.events()).filter((e) => e.name === "server_error")).toEqual([]);

    // Signing in again gives a fresh, working grant.
    const again = await signInForGrant(h, agent);
    expect(again.grantId).not.toBe(code.grantId);
    expect((await currentToken(agent)).hash).toBe(again.answer!.accessTokenHash);
  });

  it("revoked by oidc-provider for a replayed refresh token → login_required, no retry loop", async () => {
    const h = await suite.app(extra());
    const agent = h.agent();
    const code = await signInForGrant(h, agent);
    expireAccessToken();
    await currentToken(agent);
    // Someone replays the consumed first refresh token: oidc-provider detects the reuse and revokes the grant.
    expect((await suite.provider.redeem(code.answer!.refreshToken!)).status).toBe(400);
    await expect(suite.provider.grantExists(code.grantId!)).resolves.toBe(false);

    expireAccessToken();
    await expectLoginRequired(agent, 2);
    // The app's refresh, the replay, the app's next refresh (refused: grant gone); nothing after.
    const calls = refreshCalls(await suite.provider.events());
    expect(calls.map((c) => c.name)).toEqual(["grant.success", "grant.error", "grant.error"]);
    expect(calls[2]).toMatchObject({ error: "invalid_grant" });
  });
});

describe("partial scope (RFC 6749 §6: a refresh asks for no more than was granted)", () => {
  it.each([
    ["the user approves only part of it", "read write", ["read"]],
    ["the server does not know one of the scopes", "read unknown-scope", undefined],
  ])("%s: signed in, and the following refreshes stay within the granted scope", async (_label, scope, approved) => {
    await suite.provider.configure(approved ? { approvedScopes: approved } : {});
    const h = await suite.app({ scope });
    const agent = h.agent();
    const code = await signInForGrant(h, agent);
    expect(code.answer!.scope).toBe("read");
    const hashes = [(await currentToken(agent)).hash];

    for (let i = 1; i <= 2; i++) {
      expireAccessToken();
      const res = await agent.get("/api/x").set("accept", "application/json");
      const calls = refreshCalls(await suite.provider.events());
      // Whatever the package sent as `scope` on each refresh (nothing, or part of the grant), nothing beyond it.
      const beyond = calls.map((c) => (c.requestedScope ?? "").split(" ").filter((s) => s !== "" && s !== "read"));
      expect(beyond).toEqual(calls.map(() => []));
      expect(res.status).toBe(200);
      expect(successes(calls)).toHaveLength(i);
      const refreshed = successes(calls)[i - 1]!.answer!;
      expect(refreshed.scope).toBe("read");
      expect((res.body as { hash: string }).hash).toBe(refreshed.accessTokenHash);
      expect(hashes).not.toContain(refreshed.accessTokenHash);
      hashes.push(refreshed.accessTokenHash);
    }
  });
});
