// The callback writes the signed-in session once: express-session's repeat of that write (after regenerate) is skipped.
import request from "supertest";
import { createHarness, sessionIdOf, storedGrant, type Harness } from "../helpers/app";
import { approvedLogin } from "../helpers/flows";

let h: Harness;
let sets: string[];

beforeEach(async () => {
  h = await createHarness();
  sets = [];
  // Wrapped before the first request, so the write guard wraps this: only writes it lets through are counted.
  const set = h.store.set.bind(h.store);
  h.store.set = (sid, sess, cb) => {
    sets.push(sid);
    set(sid, sess, cb);
  };
});
afterEach(() => h.close());

describe("session writes at sign-in", () => {
  it("writes the renewed session once, with the grant, and the user is signed in", async () => {
    const agent = request.agent(h.app);
    const { callbackPath } = await approvedLogin(h.mock, agent);
    sets.length = 0;
    const res = await agent.get(callbackPath);
    expect(res.status).toBe(302);
    const sid = sessionIdOf(res.headers["set-cookie"]);
    expect(sets).toEqual([sid]);
    expect(storedGrant(h.store).grantKey).toEqual(expect.any(String));
    expect((await agent.get("/api/token")).status).toBe(200);
  });

  it("still writes what later requests of the same session change", async () => {
    const agent = request.agent(h.app);
    await agent.get((await approvedLogin(h.mock, agent)).callbackPath);
    sets.length = 0;
    expect((await agent.post("/counter")).body).toEqual({ hits: 1 });
    expect((await agent.post("/counter")).body).toEqual({ hits: 2 });
    expect(sets).toHaveLength(2);
  });
});
