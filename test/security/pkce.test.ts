// Threat: code interception and injection (RFC 7636, RFC 9700 §2.1.1 and §4.5 PKCE downgrade): with
// pkce: true every login gets its own S256 challenge, the verifier never leaves the server, and nothing
// ever falls back to "plain" or to an exchange without the verifier.
import { createHash } from "node:crypto";
import type session from "express-session";
import { storedSessions } from "../helpers/app";
import { pendingLogins, secureHarness, sidOf, useSecureHarnesses } from "./helpers/harness";

useSecureHarnesses();

const S256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

/** Rewrites one session in the MemoryStore, as a tampered store or a pre-upgrade session would look. */
function editSession(store: session.MemoryStore, sid: string, edit: (data: Record<string, unknown>) => void): void {
  const sessions = (store as unknown as { sessions: Record<string, string> }).sessions;
  const data = storedSessions(store)[sid]!;
  edit(data);
  sessions[sid] = JSON.stringify(data);
}

describe("the challenge", () => {
  it("is a fresh 43-character S256 challenge of a server-kept verifier, for every one of 200 logins", async () => {
    const sh = await secureHarness({ auth: { pkce: true } });
    const challenges = new Set<string>();
    const verifiers = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const agent = sh.agent();
      const res = await agent.get("/auth/pitchly/login").expect(302);
      const url = new URL(res.headers.location as string);
      const challenge = url.searchParams.get("code_challenge")!;
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.getAll("code_challenge_method")).toEqual(["S256"]);
      const verifier = String(pendingLogins(sh.store, sidOf(agent))[0]?.codeVerifier);
      expect(verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
      expect(S256(verifier)).toBe(challenge);
      expect(res.text + JSON.stringify(res.headers)).not.toContain(verifier);
      challenges.add(challenge);
      verifiers.add(verifier);
    }
    expect(challenges.size).toBe(200);
    expect(verifiers.size).toBe(200);
  });

  it("keeps the verifier out of every response of a full sign-in", async () => {
    const sh = await secureHarness({ auth: { pkce: true } });
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    const verifier = String(pendingLogins(sh.store, sidOf(agent)).at(-1)?.codeVerifier);
    const done = await agent.get(path).expect(302);
    const me = await agent.get("/api/me").expect(200);
    for (const res of [done, me]) expect(res.text + JSON.stringify(res.headers)).not.toContain(verifier);
    expect(sh.recording.wire()).not.toContain(verifier);
  });
});

describe("no downgrade", () => {
  it("does not retry with plain (or without PKCE) after Pitchly refuses the PKCE request", async () => {
    const sh = await secureHarness({ auth: { pkce: true } });
    const agent = sh.agent();
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const state = new URL(login.headers.location as string).searchParams.get("state")!;
    const refused = `/auth/pitchly/callback?error=invalid_request&error_description=code_challenge_method+must+be+plain&state=${state}`;
    const res = await agent.get(refused).expect(502);
    expect(res.headers.location).toBeUndefined();
    const again = new URL((await agent.get("/auth/pitchly/login").expect(302)).headers.location as string);
    expect(again.searchParams.get("code_challenge_method")).toBe("S256");
    expect(again.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses to exchange a code for a login whose verifier went missing", async () => {
    const sh = await secureHarness({ auth: { pkce: true } });
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    editSession(sh.store, sidOf(agent)!, (data) => {
      for (const login of data.pitchlyLogins as Array<Record<string, unknown>>) delete login.codeVerifier;
    });
    const res = await agent.get(path).expect(400);
    expect(res.body.error).toBe("state_mismatch");
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    await agent.get("/api/me").expect(401);
  });

  it("sends the stored verifier, so a swapped one fails at Pitchly", async () => {
    const sh = await secureHarness({ auth: { pkce: true } });
    const agent = sh.agent();
    const path = await sh.approvedCallback(agent);
    editSession(sh.store, sidOf(agent)!, (data) => {
      for (const login of data.pitchlyLogins as Array<Record<string, unknown>>) login.codeVerifier = "A".repeat(43);
    });
    const res = await agent.get(path).expect(400);
    expect(res.body.error).toBe("token_exchange_failed");
    expect(sh.mock.stats.token.authorization_code).toBe(1);
    await agent.get("/api/me").expect(401);
  });
});

describe("code injection (RFC 9700 §4.5)", () => {
  it("an attacker's code, even carried with the victim's own state, is refused at the exchange", async () => {
    const users = [
      { id: "victim", name: "Victim", email: "victim@example.com" },
      { id: "attacker", name: "Attacker", email: "attacker@example.com" },
    ];
    const sh = await secureHarness({ auth: { pkce: true }, mock: { users } });
    const attacker = sh.agent();
    const victim = sh.agent();
    const attackerLogin = await attacker.get("/auth/pitchly/login").expect(302);
    const stolenCode = new URL(
      await sh.mock.approve(attackerLogin.headers.location as string, { userId: "attacker" }),
    ).searchParams.get("code")!;
    sh.secrets.add(stolenCode);
    const victimLogin = await victim.get("/auth/pitchly/login").expect(302);
    const victimState = new URL(victimLogin.headers.location as string).searchParams.get("state")!;
    const res = await victim
      .get(`/auth/pitchly/callback?code=${encodeURIComponent(stolenCode)}&state=${victimState}`)
      .expect(400);
    expect(res.body.error).toBe("token_exchange_failed");
    await victim.get("/api/me").expect(401);
    expect(Object.values(storedSessions(sh.store)).some((s) => s.pitchly)).toBe(false);
  });
});
