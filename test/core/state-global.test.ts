// Issue 10 point 7: where a lock is shared (here SqliteTokenStore, its own lock), a state is single use across
// processes: two instances sharing the session store cannot both exchange one callback.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import session from "express-session";
import request from "supertest";
import { SqliteTokenStore } from "express-pitchly";
import { agentCookie, approvedLogin } from "../helpers/flows";
import { MOUNTS, mountedApp, useLocalPitchly } from "../helpers/mounts";

const local = useLocalPitchly();
let dir: string;
const stores: SqliteTokenStore[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pitchly-state-"));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(MOUNTS)("router mounted at %s", (mount) => {
  it("two instances sharing the session store and a lock exchange one callback once", async () => {
    const sessions = new session.MemoryStore();
    const filename = path.join(dir, "tokens.db");
    // Two processes: each its own pitchlyAuth and its own connection to the one database.
    const [a, b] = [0, 1].map(() => {
      const tokenStore = new SqliteTokenStore({ filename });
      stores.push(tokenStore);
      const m = mountedApp(mount, local.mock, sessions, { tokenStore });
      return { m, server: m.listen() };
    });
    const agent = request.agent(a!.server);
    const { callbackPath } = await approvedLogin(local.mock, agent, a!.m.paths.login);
    const cookie = agentCookie(agent);
    const results = await Promise.all([a!, b!].map(({ server }) => request(server).get(callbackPath).set("Cookie", cookie)));
    expect(results.map((r) => r.status).sort()).toEqual([302, 400]);
    expect(results.find((r) => r.status === 400)!.body).toMatchObject({ error: "state_mismatch" });
    expect(local.mock.stats.token.authorization_code).toBe(1);
  });
});
