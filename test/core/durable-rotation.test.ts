// Issue 10 point 5: a rotation made inside the handler (refresh(), graphql()'s retry, getAccessToken()) is in
// the session store before the handler goes on, so a crash right after it loses nothing.
import session from "express-session";
import request from "supertest";
import { DATABASES_QUERY, ORG_VARIABLES, advanceClock } from "../helpers/app";
import { signInThrough } from "../helpers/flows";
import { MOUNTS, mountedApp, wrap, type ExtraRoutes } from "../helpers/mounts";
import { useLocalPitchly } from "../helpers/mounts";
import { loadSession } from "../helpers/session-stores";

const local = useLocalPitchly();

type Rotate = "refresh()" | "graphql() retry" | "getAccessToken()";
const ROTATIONS: readonly Rotate[] = ["refresh()", "graphql() retry", "getAccessToken()"];

describe.each(MOUNTS)("router mounted at %s", (mount) => {
  it.each(ROTATIONS)("%s: the stored session holds the new pair before the handler goes on", async (how) => {
    const store = new session.MemoryStore();
    const routes: ExtraRoutes = (r, auth) => {
      r.get(
        "/api/rotate",
        auth.requirePitchlyToken(),
        wrap(async (req, res) => {
          if (how === "refresh()") await req.pitchly.refresh();
          if (how === "graphql() retry") {
            local.mock.expireAccessTokens();
            await req.pitchly.graphql(DATABASES_QUERY, ORG_VARIABLES);
          }
          if (how === "getAccessToken()") {
            advanceClock(2 * 60 * 60 * 1000);
            await req.pitchly.getAccessToken();
          }
          // What survives if the process died right here.
          const stored = await loadSession(store, req.sessionID);
          const storedToken = (stored?.pitchly as { tokens?: { accessToken?: string } } | undefined)?.tokens?.accessToken;
          res.json({ durable: storedToken === (await req.pitchly.getAccessToken()) });
        }),
      );
    };
    const m = mountedApp(mount, local.mock, store, {}, routes);
    const agent = request.agent(m.listen());
    await signInThrough(local.mock, agent, m.paths.login);
    const before = local.mock.stats.token.refresh_token;
    const base = m.paths.token.replace("/api/token", "");
    expect((await agent.get(`${base}/api/rotate`).expect(200)).body).toEqual({ durable: true });
    expect(local.mock.stats.token.refresh_token).toBe(before + 1);
  });
});
