// Issue 10 point 11: what a newcomer hits is said out loud — warnings reach stderr with no configuration, each
// with a stable code; a wrong mount or a localhost/127.0.0.1 mix-up is named; authorizationParams reach Pitchly.
import { execFile } from "node:child_process";
import type { Server } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import express from "express";
import session from "express-session";
import request from "supertest";
import { PITCHLY_WARNINGS, pitchlyAuth } from "express-pitchly";
import type { MockPitchly } from "express-pitchly/testing";
import { CLIENT_ID, CLIENT_SECRET } from "../helpers/app";
import { approvedLogin } from "../helpers/flows";
import { MOUNTS, mountedApp, startMockForMounts } from "../helpers/mounts";
import { recordingLogger } from "../security/helpers/recorder";

const run = promisify(execFile);
const root = path.join(__dirname, "../..");

async function stderrOf(env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const script = `
    const { pitchlyAuth } = require("./src/index.ts");
    pitchlyAuth({ clientId: "id", clientSecret: "secret", redirectUri: "http://app.example/auth/pitchly/callback" });
  `;
  const { PITCHLY_LOG_LEVEL: _unset, ...inherited } = process.env;
  return run(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, env: { ...inherited, ...env } });
}

describe("the default logger", () => {
  it("writes the startup self-check to stderr, with its code, when the app passed no logger", async () => {
    const { stdout, stderr } = await stderrOf();
    expect(stdout).toBe("");
    const line = JSON.parse(stderr.trim().split("\n")[0]!) as { level: number; code: string; msg: string };
    expect(line).toMatchObject({ level: 40, code: PITCHLY_WARNINGS.CLEARTEXT_HTTP });
    expect(line.msg).toMatch(/use https/);
  }, 30_000);

  it("is silenced (or made chattier) with PITCHLY_LOG_LEVEL", async () => {
    expect((await stderrOf({ PITCHLY_LOG_LEVEL: "silent" })).stderr).toBe("");
  }, 30_000);
});

describe("warning codes", () => {
  it("lists each code once, all prefixed PITCHLY_", () => {
    const codes = Object.values(PITCHLY_WARNINGS);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^PITCHLY_[A-Z_]+$/);
  });
});

let mock: MockPitchly;
let server: Server | undefined;
beforeEach(async () => {
  mock = await startMockForMounts();
});
afterEach(async () => {
  server?.close();
  await mock.close();
});

function warnings(lines: string[]): Array<{ code?: string; msg: string }> {
  return lines.map((l) => JSON.parse(l) as { level: number; code?: string; msg: string }).filter((l) => l.level === 40);
}

describe("a mount that does not match redirectUri", () => {
  it("is named on the first login, once, with what to change", async () => {
    const lines: string[] = [];
    const auth = pitchlyAuth({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: "http://127.0.0.1:3999/auth/pitchly/callback",
      baseUrl: mock.url,
      logger: recordingLogger(lines),
    });
    const app = express();
    app.use(session({ secret: "s", resave: false, saveUninitialized: false }));
    app.use("/sso", auth.router);
    server = app.listen(0, "127.0.0.1");
    const agent = request.agent(server);
    await agent.get("/sso/auth/pitchly/login").expect(302);
    await agent.get("/sso/auth/pitchly/login").expect(302);
    const found = warnings(lines).filter((w) => w.code === PITCHLY_WARNINGS.MOUNT_MISMATCH);
    expect(found).toHaveLength(1);
    expect(found[0]!.msg).toContain("/sso/auth/pitchly/callback");
  });

  it.each(MOUNTS)("stays quiet when mounted right (%s)", async (mount) => {
    const lines: string[] = [];
    const m = mountedApp(mount, mock, new session.MemoryStore(), { logger: recordingLogger(lines) });
    server = m.listen();
    await request.agent(server).get(m.paths.login).expect(302);
    expect(warnings(lines)).toEqual([]);
  });
});

describe("signing in on localhost with a redirectUri on 127.0.0.1", () => {
  it("is named on the first login, with the fix", async () => {
    const lines: string[] = [];
    const auth = pitchlyAuth({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: "http://localhost:3999/auth/pitchly/callback",
      baseUrl: mock.url,
      logger: recordingLogger(lines),
    });
    const app = express();
    app.use(session({ secret: "s", resave: false, saveUninitialized: false }));
    app.use(auth.router);
    server = app.listen(0, "127.0.0.1");
    await request(server).get("/auth/pitchly/login").expect(302);
    const found = warnings(lines).filter((w) => w.code === PITCHLY_WARNINGS.HOST_MISMATCH);
    expect(found).toHaveLength(1);
    expect(found[0]!.msg).toMatch(/127\.0\.0\.1.*localhost.*state_mismatch/);
  });
});

describe.each(MOUNTS)("authorizationParams (router mounted at %s)", (mount) => {
  it("adds the app's parameters to the authorize URL, and Pitchly's consent still round-trips", async () => {
    const m = mountedApp(mount, mock, new session.MemoryStore(), { authorizationParams: { prompt: "consent", login_hint: "ada@example.com" } });
    server = m.listen();
    const agent = request.agent(server);
    const { authorize, callbackPath } = await approvedLogin(mock, agent, m.paths.login);
    expect(authorize.searchParams.get("prompt")).toBe("consent");
    expect(authorize.searchParams.get("login_hint")).toBe("ada@example.com");
    expect(authorize.searchParams.getAll("state")).toHaveLength(1);
    await agent.get(callbackPath).expect(302);
    await agent.get(m.paths.token).expect(200);
  });
});
