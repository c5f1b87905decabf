// Issue 10 point 4: no copy of req.pitchly (spread, Object.assign, structuredClone, JSON, util.inspect, pino)
// and no printout of req.session shows a token or the client secret.
import { inspect } from "node:util";
import { Writable } from "node:stream";
import pino from "pino";
import session from "express-session";
import request from "supertest";
import { CLIENT_SECRET } from "../helpers/app";
import { signInThrough } from "../helpers/flows";
import { MOUNTS, mountedApp, useLocalPitchly } from "../helpers/mounts";
import { loadSession } from "../helpers/session-stores";

const local = useLocalPitchly();

function copiesOf(value: object, log: (obj: object) => string): Record<string, string> {
  return {
    spread: JSON.stringify({ ...value }),
    assign: JSON.stringify(Object.assign({}, value)),
    structuredClone: inspect(structuredClone(value), { depth: 10, showHidden: true }),
    json: JSON.stringify(value),
    inspect: inspect(value, { depth: 10 }),
    inspectSpread: inspect({ ...value }, { depth: 10, showHidden: true }),
    pino: log({ pitchly: value }),
    pinoSpread: log({ copy: { ...value } }),
  };
}

describe.each(MOUNTS)("router mounted at %s", (mount) => {
  it("no copy of req.pitchly, and no printout of req.session, carries a token or the secret", async () => {
    const store = new session.MemoryStore();
    let line = "";
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((line += chunk.toString()), done()) });
    const logger = pino({ level: "info" }, sink);
    const log = (obj: object) => {
      line = "";
      logger.info(obj, "copy");
      return line;
    };
    const m = mountedApp(mount, local.mock, store, {}, (routes, auth) => {
      routes.get("/api/copies", auth.requirePitchlyToken(), (req, res) => {
        res.json({ ...copiesOf(req.pitchly, log), session: inspect(req.session, { depth: 10 }) });
      });
    });
    const agent = request.agent(m.listen());
    await signInThrough(local.mock, agent, m.paths.login);
    const base = m.paths.token.replace("/api/token", "");
    const copies = (await agent.get(`${base}/api/copies`).expect(200)).body as Record<string, string>;
    const sid = Object.keys((store as unknown as { sessions: object }).sessions)[0]!;
    const tokens = ((await loadSession(store, sid))!.pitchly as { tokens: { accessToken: string; refreshToken: string } }).tokens;
    const secrets = [tokens.accessToken, tokens.refreshToken, CLIENT_SECRET];
    expect(Object.keys(copies)).toHaveLength(9);
    for (const [how, text] of Object.entries(copies)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`${how} shows a secret: ${text}`);
      }
    }
    // What a copy does show: the grant key (an opaque id), nothing else.
    expect(JSON.parse(copies.spread!)).toEqual({ grantKey: expect.any(String) });
    expect(copies.session).toMatch(/PitchlyGrant/);
  });
});
