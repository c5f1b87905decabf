// Threat: hostile callback query strings (RFC 6749 §4.1.2, RFC 9700 §4.2, qs-style parameter smuggling):
// every odd shape is a 400, never a 500, and never reaches Pitchly's token endpoint, even with a valid state.
import { secureHarness, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

interface Started {
  sh: SecureHarness;
  agent: ReturnType<SecureHarness["agent"]>;
  state: string;
  code: string;
  base: string;
}

/** A session whose login was approved at Pitchly: its valid state and real code, callback not yet visited. */
async function started(): Promise<Started> {
  const sh = await secureHarness();
  const agent = sh.agent();
  const url = new URL(await sh.approvedCallback(agent), "http://x");
  return { sh, agent, state: url.searchParams.get("state")!, code: url.searchParams.get("code")!, base: url.pathname };
}

const huge = "A".repeat(5000);

describe("with a valid state, a bad code or extra credentials never reach the token endpoint", () => {
  const shapes: Array<[string, (code: string) => string]> = [
    ["a repeated code", (c) => `code=${c}&code=${c}`],
    ["code[]", (c) => `code[]=${c}`],
    ["code[x]", (c) => `code[x]=${c}`],
    ["code plus code[]", (c) => `code=${c}&code[]=${c}`],
    ["an empty code", () => "code="],
    ["a bare code key", () => "code"],
    ["no code at all", () => "other=1"],
    ["a 5,000-character code", () => `code=${huge}`],
    ["a lone percent sign", (c) => `code=${c}%`],
    ["a %ZZ escape", (c) => `code=${c}%ZZ`],
    ["invalid UTF-8 (%FF)", (c) => `code=${c}%FF`],
    ["an overlong UTF-8 sequence (%C0%AF)", (c) => `code=${c}%C0%AF`],
    ["a truncated escape (%E0%A4%A)", (c) => `code=${c}%E0%A4%A`],
    ["CR/LF inside the code", (c) => `code=${c}%0D%0AX-Injected:%201`],
    ["a NUL inside the code", (c) => `code=${c}%00`],
    ["non-ASCII in the code", (c) => `code=${c}%E2%80%A8`],
    ["code with error=access_denied", (c) => `code=${c}&error=access_denied`],
    ["code with error=server_error", (c) => `code=${c}&error=server_error`],
    ["code with error[]", (c) => `code=${c}&error[]=access_denied`],
    ["code with access_token", (c) => `code=${c}&access_token=pat_injected`],
    ["code with id_token", (c) => `code=${c}&id_token=eyJhbGciOiJub25lIn0.e30.`],
    ["code with refresh_token", (c) => `code=${c}&refresh_token=prt_injected`],
  ];

  it.each(shapes)("%s → 400", async (_name, make) => {
    const { sh, agent, state, code, base } = await started();
    const res = await agent.get(`${base}?state=${state}&${make(code)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^(provider_error|state_mismatch)$/);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    // The attempt used the state up: retrying the genuine callback cannot sneak past.
    expect((await agent.get(`${base}?state=${state}&code=${code}`).expect(400)).body.error).toBe("state_mismatch");
    await agent.get("/api/me").expect(401);
  });
});

describe("a bad state is refused before anything else is read", () => {
  const shapes: Array<[string, (state: string) => string]> = [
    ["state[] alongside state", (s) => `state=${s}&state[]=${s}`],
    ["state[__proto__]", (s) => `state[__proto__]=${s}`],
    ["__proto__[state]", (s) => `__proto__[state]=${s}`],
    ["constructor[prototype][state]", (s) => `constructor[prototype][state]=${s}`],
    ["a JSON operator", () => `state=${encodeURIComponent('{"$gt":""}')}`],
    ["a 5,000-character state", () => `state=${huge}`],
    ["a lone percent sign", (s) => `state=${s}%`],
    ["a %ZZ escape", (s) => `state=${s}%ZZ`],
    ["invalid UTF-8", (s) => `state=${s}%FF%FE`],
    ["a state split by a NUL", (s) => `state=${s.slice(0, 10)}%00${s.slice(10)}`],
  ];

  it.each(shapes)("%s → 400 with no token request", async (_name, make) => {
    const { sh, agent, state, code, base } = await started();
    const res = await agent.get(`${base}?code=${code}&${make(state)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^state_(missing|mismatch)$/);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    expect(({} as Record<string, unknown>).state).toBeUndefined();
    // Nothing valid was named, so the real login survives.
    await agent.get(`${base}?state=${state}&code=${code}`).expect(302);
  });
});

describe("size and shape limits", () => {
  it("ignores thousands of unrelated parameters and still signs in", async () => {
    const { agent, state, code, base } = await started();
    const noise = Array.from({ length: 2000 }, (_, i) => `n${i}=1`).join("&");
    await agent.get(`${base}?${noise}&state=${state}&code=${code}`).expect(302);
    await agent.get("/api/me").expect(200);
  });

  it("answers an oversized URL with a 4xx from the server, not a 500", async () => {
    const { sh, agent, state, base } = await started();
    const res = await agent.get(`${base}?state=${state}&code=${"C".repeat(40_000)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
  });

  it.each(["/auth/pitchly/callback%", "/auth/pitchly/callback/%E0%A4%A", "/auth/pitchly/callback%00"])(
    "answers a broken callback path %j without a 5xx or a token request",
    async (path) => {
      const { sh, agent, state, code } = await started();
      const res = await agent.get(`${path}?state=${state}&code=${code}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(sh.mock.stats.token.authorization_code).toBe(0);
    },
  );

  it("serves the callback to GET only: a POSTed (form_post style) callback is not processed", async () => {
    const { sh, agent, state, code, base } = await started();
    const res = await agent.post(base).type("form").send({ state, code });
    expect(res.status).toBe(404);
    const query = await agent.post(`${base}?state=${state}&code=${code}`);
    expect(query.status).toBe(404);
    expect(sh.mock.stats.token.authorization_code).toBe(0);
    await agent.get(`${base}?state=${state}&code=${code}`).expect(302);
  });
});
