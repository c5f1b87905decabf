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
import { CLIENT_ID, CLIENT_SECRET } from "../helpers/app";
import { approvedLogin } from "../helpers/flows";
import { MOUNTS, mountedApp, useLocalPitchly } from "../helpers/mounts";
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

const local = useLocalPitchly();
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** An app mounted by hand (what the helper's mounts cannot get wrong on purpose), logging into `lines`. */
function handMounted(redirectUri: string, mountAt: string, lines: string[]): Server {
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    baseUrl: local.mock.url,
    logger: recordingLogger(lines),
  });
  const app = express();
  app.use(session({ secret: "s", resave: false, saveUninitialized: false }));
  app.use(mountAt, auth.router);
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  return server;
}

function warnings(lines: string[]): Array<{ code?: string; msg: string }> {
  return lines.map((l) => JSON.parse(l) as { level: number; code?: string; msg: string }).filter((l) => l.level === 40);
}

describe("a mount that does not match redirectUri", () => {
  it("is named on the first login, once, with what to change", async () => {
    const lines: string[] = [];
    const agent = request.agent(handMounted("http://127.0.0.1:3999/auth/pitchly/callback", "/sso", lines));
    await agent.get("/sso/auth/pitchly/login").expect(302);
    await agent.get("/sso/auth/pitchly/login").expect(302);
    const found = warnings(lines).filter((w) => w.code === PITCHLY_WARNINGS.MOUNT_MISMATCH);
    expect(found).toHaveLength(1);
    expect(found[0]!.msg).toContain("/sso/auth/pitchly/callback");
  });

  it.each(MOUNTS)("stays quiet when mounted right (%s)", async (mount) => {
    const lines: string[] = [];
    const m = mountedApp(mount, local.mock, new session.MemoryStore(), { logger: recordingLogger(lines) });
    await request.agent(m.listen()).get(m.paths.login).expect(302);
    expect(warnings(lines)).toEqual([]);
  });
});

describe("signing in on localhost with a redirectUri on 127.0.0.1", () => {
  it("is named on the first login, with the fix", async () => {
    const lines: string[] = [];
    await request(handMounted("http://localhost:3999/auth/pitchly/callback", "/", lines))
      .get("/auth/pitchly/login")
      .expect(302);
    const found = warnings(lines).filter((w) => w.code === PITCHLY_WARNINGS.HOST_MISMATCH);
    expect(found).toHaveLength(1);
    expect(found[0]!.msg).toMatch(/127\.0\.0\.1.*localhost.*state_mismatch/);
  });
});

describe.each(MOUNTS)("authorizationParams (router mounted at %s)", (mount) => {
  it("adds the app's parameters to the authorize URL, and Pitchly's consent still round-trips", async () => {
    const m = mountedApp(mount, local.mock, new session.MemoryStore(), {
      authorizationParams: { prompt: "consent", login_hint: "ada@example.com" },
    });
    const agent = request.agent(m.listen());
    const { authorize, callbackPath } = await approvedLogin(local.mock, agent, m.paths.login);
    expect(authorize.searchParams.get("prompt")).toBe("consent");
    expect(authorize.searchParams.get("login_hint")).toBe("ada@example.com");
    expect(authorize.searchParams.getAll("state")).toHaveLength(1);
    await agent.get(callbackPath).expect(302);
    await agent.get(m.paths.token).expect(200);
  });
});
