// Threat: a hostile or broken token endpoint during refresh (RFC 9700 §4.14 refresh rotation, RFC 6749 §5.1,
// OWASP resource exhaustion): garbage is never stored, answers are size- and time-capped, redirects are not
// followed with our secret, and neither invalid_client nor a lost rotation turns into a logout loop or a 500.
import { gzipSync } from "node:zlib";
import type { Fault, RecordedRequest } from "express-pitchly/testing";
import { advanceClock, storedGrant } from "../helpers/app";
import { secureHarness, useSecureHarnesses, type SecureHarness } from "./helpers/harness";

useSecureHarnesses();

const TWO_HOURS = 2 * 60 * 60 * 1000;

/** Signed in, access token expired: the next protected request must refresh. */
async function dueForRefresh(httpTimeoutMs = 2000): Promise<{ sh: SecureHarness; agent: ReturnType<SecureHarness["agent"]> }> {
  const sh = await secureHarness({ auth: { httpTimeoutMs } });
  const agent = sh.agent();
  expect((await sh.signIn(agent)).status).toBe(302);
  advanceClock(TWO_HOURS);
  return { sh, agent };
}

const tokenCalls = (sh: SecureHarness): RecordedRequest[] => sh.mock.requests.filter((r) => r.path === "/oauth/token");

/** Waits (bounded) for the local Pitchly to see the app hang up: the abort is asynchronous on its side. */
async function hungUp(sh: SecureHarness): Promise<number> {
  const gaveUp = () => tokenCalls(sh).filter((r) => r.aborted).length;
  for (let i = 0; i < 100 && gaveUp() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return gaveUp();
}

async function expectKeptAndRecovers(
  sh: SecureHarness,
  agent: ReturnType<SecureHarness["agent"]>,
  before: unknown,
): Promise<void> {
  expect(storedGrant(sh.store).tokens).toEqual(before);
  sh.mock.setFaults({});
  await agent.get("/api/me").expect(200);
  expect(storedGrant(sh.store).tokens).not.toEqual(before);
}

describe("malformed 200 answers are never stored", () => {
  it.each([
    ["an HTML login page", { status: 200, headers: { "content-type": "text/html" }, body: "<html><form>sign in</form></html>" }],
    ["null", { status: 200, body: "null" }],
    ["[]", { status: 200, body: "[]" }],
    ["a bare JSON string", { status: 200, body: '"pat_bare"' }],
    ["{}", { status: 200, body: "{}" }],
    ["only token_type", { status: 200, body: '{"token_type":"bearer","refresh_token":"prt_x"}' }],
    ["an empty access_token", { status: 200, body: '{"access_token":"","refresh_token":"prt_x"}' }],
    ['expires_in: "abc"', { status: 200, body: '{"access_token":"pat_x","expires_in":"abc"}' }],
    ['expires_in: "-1"', { status: 200, body: '{"access_token":"pat_x","expires_in":"-1"}' }],
    ["expires_in: 0", { status: 200, body: '{"access_token":"pat_x","expires_in":0}' }],
    ["expires_in: true", { status: 200, body: '{"access_token":"pat_x","expires_in":true}' }],
    ["expires_in: [5]", { status: 200, body: '{"access_token":"pat_x","expires_in":[5]}' }],
    ["token_type: mac", { status: 200, body: '{"access_token":"pat_x","token_type":"mac"}' }],
    ["CR/LF in the access token", { status: 200, body: '{"access_token":"pat_x\\r\\nX-Injected: 1"}' }],
    ["a NUL in the refresh token", { status: 200, body: '{"access_token":"pat_x","refresh_token":"prt_\\u0000x"}' }],
    ["30,000 levels of nesting", { status: 200, body: `${"[".repeat(30000)}${"]".repeat(30000)}` }],
  ] as Array<[string, Fault]>)("%s → 503, the stored pair untouched, then recovery", async (_name, answer) => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    sh.mock.setFaults({ token: answer });
    const res = await agent.get("/api/me").expect(503);
    expect(res.body).toEqual({ error: "pitchly_unavailable" });
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    await expectKeptAndRecovers(sh, agent, before);
  });
});

describe("size caps", () => {
  it("drops a declared 50 MB answer", async () => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    sh.mock.setFaults({ token: { body: `{"access_token":"pat_${"x".repeat(50 * 1024 * 1024)}"}`, times: 1 } });
    await agent.get("/api/me").expect(503);
    await expectKeptAndRecovers(sh, agent, before);
  });

  it("cuts a chunked 50 MB answer off at the cap instead of reading it", async () => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    sh.mock.setFaults({ token: { stream: 50 * 1024 * 1024, times: 1 } });
    await agent.get("/api/me").expect(503);
    expect(await hungUp(sh)).toBe(1);
    expect(tokenCalls(sh).at(-1)?.bytesWritten).toBeLessThan(25 * 1024 * 1024);
    await expectKeptAndRecovers(sh, agent, before);
  });

  it("does not inflate a gzip bomb", async () => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, " "));
    sh.mock.setFaults({ token: { status: 200, headers: { "content-encoding": "gzip" }, body: bomb, times: 1 } });
    await agent.get("/api/me").expect(503);
    await expectKeptAndRecovers(sh, agent, before);
  });
});

describe("time caps", () => {
  it.each([
    ["accepts and never answers", { hang: true }],
    ["sends headers, then one byte every 50 ms forever", { trickleMs: 50 }],
  ] as Array<[string, Fault]>)("aborts a token endpoint that %s within the timeout", async (_name, behaviour) => {
    const { sh, agent } = await dueForRefresh(300);
    const before = storedGrant(sh.store).tokens;
    sh.mock.setFaults({ token: { ...behaviour, times: 1 } });
    const started = performance.now();
    await agent.get("/api/me").expect(503);
    // Generous on purpose: this proves "bounded", not "fast".
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await hungUp(sh)).toBe(1);
    await expectKeptAndRecovers(sh, agent, before);
  });
});

describe("answers that must not log the user out", () => {
  it("invalid_client: an operator problem, not a logout loop; tokens kept, warning logged", async () => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    sh.mock.setFaults({ token: { status: 401, body: '{"error":"invalid_client"}' } });
    for (let i = 0; i < 3; i++) {
      const page = await agent.get("/page").set("Accept", "text/html");
      expect(page.status).toBe(502);
      expect(page.headers.location).toBeUndefined();
    }
    expect(sh.recording.logs.join("")).toMatch(/check clientId and clientSecret/);
    await expectKeptAndRecovers(sh, agent, before);
  });

  it("invalid_client at the code exchange: an error page, not a trip back to login", async () => {
    const sh = await secureHarness({ auth: { clientSecret: "not-the-registered-secret" } });
    sh.secrets.add("not-the-registered-secret");
    const agent = sh.agent();
    const res = await sh.signIn(agent);
    expect(res.status).toBe(502);
    expect(res.body.error).toBe("token_exchange_failed");
    expect(res.headers.location).toBeUndefined();
    await agent.get("/api/me").expect(401);
  });

  it("a 307 from the token endpoint is not followed (it would re-post the client secret)", async () => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    // The redirect points back at the local Pitchly, whose request log shows whether anything followed it.
    sh.mock.setFaults({ token: { status: 307, headers: { location: `${sh.mock.url}/collect` }, body: "" } });
    expect((await agent.get("/api/me")).status).toBeGreaterThanOrEqual(500);
    expect(tokenCalls(sh).length).toBeGreaterThan(0);
    expect(sh.mock.requests.filter((r) => r.path === "/collect")).toEqual([]);
    await expectKeptAndRecovers(sh, agent, before);
  });
});

describe("rotation with the response lost", () => {
  it("answers 503, then sends the user to sign in once, without a storm of retries or a 500", async () => {
    const { sh, agent } = await dueForRefresh();
    const before = storedGrant(sh.store).tokens;
    sh.mock.setFaults({ token: { loseResponse: true, times: 1 } });
    await agent.get("/api/me").expect(503);
    expect(storedGrant(sh.store).tokens).toEqual(before);
    // Pitchly rotated: the refresh token we still hold is dead, and only a new sign-in can help.
    await agent.get("/page").set("Accept", "text/html").expect(302).expect("Location", "/auth/pitchly/login?returnTo=%2Fpage");
    expect(sh.mock.stats.token.refresh_token).toBe(2);
    await agent.get("/api/me").expect(401);
    await agent.get("/page").set("Accept", "text/html").expect(302);
    expect(sh.mock.stats.token.refresh_token).toBe(2);
    expect((await sh.signIn(agent)).status).toBe(302);
    await agent.get("/api/me").expect(200);
  });
});
