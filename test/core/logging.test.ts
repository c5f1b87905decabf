// A full flow, a refresh and a failure, logged at trace level: no secret, token, code or cookie in any line.
import { Writable } from "node:stream";
import pino from "pino";
import request from "supertest";
import { advanceClock, createHarness, storedGrant, CLIENT_SECRET, type Harness } from "../helpers/app";

let h: Harness;
afterEach(() => {
  jest.restoreAllMocks();
  return h?.close();
});

it("never writes a secret to the log stream", async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: "trace" }, sink);
  h = await createHarness({ auth: { logger, pkce: true } });
  const agent = request.agent(h.app);
  const login = await agent.get("/auth/pitchly/login").expect(302);
  const authorize = new URL(login.headers.location as string);
  const back = new URL(await h.mock.approve(authorize.toString()));
  const cb = await agent.get(`${back.pathname}${back.search}`).expect(302);
  const firstTokens = storedGrant(h.store).tokens!;
  advanceClock(2 * 60 * 60 * 1000);
  await agent.get("/api/me").expect(200);
  h.mock.setFaults({ token: { status: 500 } });
  advanceClock(2 * 60 * 60 * 1000);
  await agent.get("/api/me").expect(503);
  h.mock.setFaults({});
  await agent.get(`${back.pathname}${back.search}`).expect(400);
  const secondTokens = storedGrant(h.store).tokens!;

  const secrets = [
    CLIENT_SECRET,
    back.searchParams.get("code")!,
    authorize.searchParams.get("state")!,
    firstTokens.accessToken,
    firstTokens.refreshToken!,
    secondTokens.accessToken,
    secondTokens.refreshToken!,
    ...(cb.headers["set-cookie"] as unknown as string[]).map((c) => c.split(";")[0]!.split("=")[1]!),
  ];
  expect(lines.length).toBeGreaterThan(3);
  const all = lines.join("");
  expect(all).toMatch(/signed in/);
  // Error codes stay readable: only credential fields are redacted.
  expect(all).toContain('"errorCode":"state_mismatch"');
  expect(all).toContain('"errorCode":"pitchly_unavailable"');
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    expect(all).not.toContain(secret);
  }
});
