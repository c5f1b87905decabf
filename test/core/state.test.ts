// The callback's state check: missing, wrong, replayed, expired, foreign and malformed states all fail safely.
import request from "supertest";
import { createHarness, signIn, type Agent, type Harness } from "../helpers/app";
import { approvedLogin } from "../helpers/flows";

let h: Harness;
afterEach(() => {
  jest.restoreAllMocks();
  return h?.close();
});

/** Starts a login and approves it at Pitchly, returning the callback path+query without visiting it. */
async function approvedCallback(agent: Agent): Promise<string> {
  return (await approvedLogin(h.mock, agent)).callbackPath;
}

describe("callback state", () => {
  it("rejects a callback without state, and makes no token request", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    const res = await agent.get(path.replace(/&?state=[^&]*/, "")).expect(400);
    expect(res.body.error).toBe("state_missing");
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it("rejects a wrong state", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    const res = await agent.get(path.replace(/state=[^&]*/, "state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).expect(400);
    expect(res.body.error).toBe("state_mismatch");
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it("accepts a state once only", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    await agent.get(path).expect(302);
    const replay = await agent.get(path).expect(400);
    expect(replay.body.error).toBe("state_mismatch");
    expect(h.mock.stats.token.authorization_code).toBe(1);
  });

  it("consumes the state even when the callback fails", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    h.mock.setFaults({ token: { status: 500, times: 1 } });
    await agent.get(path).expect(503);
    const again = await agent.get(path).expect(400);
    expect(again.body.error).toBe("state_mismatch");
  });

  it("rejects a state older than 10 minutes", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    const now = Date.now();
    jest.spyOn(Date, "now").mockReturnValue(now + 10 * 60 * 1000 + 1000);
    const res = await agent.get(path).expect(400);
    expect(res.body.error).toBe("state_expired");
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it("rejects a state issued to another session (login CSRF)", async () => {
    h = await createHarness();
    const attacker = request.agent(h.app);
    const victim = request.agent(h.app);
    await victim.get("/auth/pitchly/login").expect(302);
    const attackersCallback = await approvedCallback(attacker);
    const res = await victim.get(attackersCallback).expect(400);
    expect(res.body.error).toBe("state_mismatch");
    const anonymous = await request(h.app).get(attackersCallback).expect(400);
    expect(anonymous.body.error).toBe("state_mismatch");
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it.each([
    ["repeated state", (s: string) => `state=${s}&state=${s}`],
    ["state[]", (s: string) => `state[]=${s}`],
    ["state[x]", (s: string) => `state[x]=${s}`],
    ["empty state", () => "state="],
  ])("answers 400, not 500, for %s", async (_name, make) => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    const url = new URL(path, "http://x");
    const state = url.searchParams.get("state")!;
    const res = await agent.get(`${url.pathname}?code=${url.searchParams.get("code")}&${make(state)}`);
    expect(res.status).toBe(400);
    expect(["state_missing", "state_mismatch"]).toContain(res.body.error);
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it("lets two tabs sign in, finishing in either order", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const tabA = await approvedCallback(agent);
    const tabB = await approvedCallback(agent);
    await agent.get(tabB).expect(302);
    await agent.get(tabA).expect(302);
    await agent.get("/api/me").expect(200);
    expect(h.mock.stats.token.authorization_code).toBe(2);
  });

  it("reports access_denied without reflecting anything from the query", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const login = await agent.get("/auth/pitchly/login").expect(302);
    const denied = new URL(await h.mock.deny(login.headers.location as string));
    expect(denied.searchParams.get("error")).toBe("access_denied");
    denied.searchParams.set("error_description", "<script>alert(1)</script>");
    const res = await agent.get(`${denied.pathname}${denied.search}`).expect(403);
    expect(res.body.error).toBe("access_denied");
    expect(res.text).not.toContain("<script>");
    expect(res.text).not.toContain("alert(1)");
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it("treats a provider error with a code attached as malformed", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const path = await approvedCallback(agent);
    const res = await agent.get(`${path}&error=server_error`).expect(400);
    expect(res.body.error).toBe("provider_error");
    expect(h.mock.stats.token.authorization_code).toBe(0);
  });

  it("issues a different state for every login", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    const states = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await agent.get("/auth/pitchly/login").expect(302);
      states.add(new URL(res.headers.location as string).searchParams.get("state")!);
    }
    expect(states.size).toBe(20);
  });

  it("signs in end to end after all that", async () => {
    h = await createHarness();
    const res = await signIn(h, request.agent(h.app));
    expect(res.status).toBe(302);
  });
});
