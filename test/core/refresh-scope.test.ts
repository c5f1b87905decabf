// Issue 10 point 8: a refresh asks for the scope Pitchly granted (never more, RFC 6749 §6), `scope: ""` works,
// and a refresh refused for scope sends the user to sign in again instead of a 502 forever.
import session from "express-session";
import request from "supertest";
import { advanceClock } from "../helpers/app";
import { approvedLogin, signInThrough } from "../helpers/flows";
import { MOUNTS, mountedApp, useLocalPitchly } from "../helpers/mounts";
import { startGateway, type Gateway } from "../security/helpers/gateway";

const TWO_HOURS = 2 * 60 * 60 * 1000;
const local = useLocalPitchly();
let gw: Gateway;
beforeEach(async () => {
  gw = await startGateway(`${local.mock.url}/oauth/token`);
});
afterEach(() => gw.close());

describe.each(MOUNTS)("router mounted at %s", (mount) => {
  function signedInApp(scope: string) {
    const m = mountedApp(mount, local.mock, new session.MemoryStore(), { scope, tokenUrl: gw.tokenUrl });
    return { m, agent: request.agent(m.listen()) };
  }

  it("asks a refresh for the scope Pitchly granted, not the one configured", async () => {
    const { m, agent } = signedInApp("read write");
    gw.set({ kind: "rewrite", edit: (answer) => ({ ...answer, scope: "read" }) }, 1);
    expect((await signInThrough(local.mock, agent, m.paths.login)).status).toBe(302);
    advanceClock(TWO_HOURS);
    await agent.get(m.paths.token).expect(200);
    const refresh = gw.forms.find((f) => f.get("grant_type") === "refresh_token")!;
    expect(refresh.get("scope")).toBe("read");
  });

  it('accepts scope: "" (the read-only token): sent as scope= at login and, once granted, on refresh', async () => {
    const { m, agent } = signedInApp("");
    const { authorize, callbackPath } = await approvedLogin(local.mock, agent, m.paths.login);
    expect(authorize.searchParams.has("scope")).toBe(true);
    expect(authorize.searchParams.get("scope")).toBe("");
    gw.set({ kind: "rewrite", edit: (answer) => ({ ...answer, scope: "" }) }, 1);
    await agent.get(callbackPath).expect(302);
    advanceClock(TWO_HOURS);
    await agent.get(m.paths.token).expect(200);
    const refresh = gw.forms.find((f) => f.get("grant_type") === "refresh_token")!;
    expect(refresh.has("scope")).toBe(true);
    expect(refresh.get("scope")).toBe("");
  });

  it("treats a refresh refused with invalid_scope like invalid_grant: sign in again", async () => {
    const { m, agent } = signedInApp("read write");
    await signInThrough(local.mock, agent, m.paths.login);
    advanceClock(TWO_HOURS);
    gw.set({ kind: "answer", status: 400, body: JSON.stringify({ error: "invalid_scope" }) });
    await agent.get(m.paths.token).set("Accept", "application/json").expect(401, { error: "login_required" });
    const page = await agent.get(m.paths.token).set("Accept", "text/html").expect(302);
    expect(page.headers.location).toContain(`${m.paths.login}?returnTo=`);
  });
});
