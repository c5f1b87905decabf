// Pins the express-session behaviours SessionTokens relies on, so an express-session upgrade that changes one fails here.
import express from "express";
import session from "express-session";
import request from "supertest";
import { unsignSessionId } from "../helpers/flows";

type Call = { method: "get" | "set" | "touch" | "destroy"; sid: string; args: unknown[] };

/** A MemoryStore that records every call express-session makes. */
class RecordingStore extends session.MemoryStore {
  readonly calls: Call[] = [];

  override get(sid: string, cb: (err: unknown, sess?: session.SessionData | null) => void): void {
    this.calls.push({ method: "get", sid, args: [cb] });
    super.get(sid, cb);
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.calls.push({ method: "set", sid, args: [sess, cb] });
    super.set(sid, sess, cb);
  }

  override touch(sid: string, sess: session.SessionData, cb?: () => void): void {
    this.calls.push({ method: "touch", sid, args: [sess, cb] });
    super.touch(sid, sess, cb);
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.calls.push({ method: "destroy", sid, args: [cb] });
    super.destroy(sid, cb);
  }

  writes(): Call[] {
    return this.calls.filter((c) => c.method === "set" || c.method === "touch");
  }
}

/** A field value whose JSON is the plain data it wraps (what our grant record is). */
class Wrapped {
  constructor(private readonly data: unknown) {}
  toJSON(): unknown {
    return this.data;
  }
}

function app(store: RecordingStore) {
  const seen: { store?: unknown } = {};
  const a = express();
  a.use(session({ secret: "contract", resave: false, saveUninitialized: false, store }));
  a.use((req, _res, next) => {
    seen.store = (req as unknown as { sessionStore: unknown }).sessionStore;
    next();
  });
  const s = (req: express.Request) => req.session as unknown as Record<string, unknown> & session.Session;
  a.post("/write", (req, res) => {
    s(req).data = { n: 1 };
    res.end();
  });
  a.get("/read", (_req, res) => res.end());
  a.get("/rewrap", (req, res) => {
    s(req).data = new Wrapped(s(req).data);
    res.end();
  });
  a.post("/regenerate", (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      s(req).data = { n: 2 };
      res.end();
    });
  });
  return { app: a, seen };
}

const sidOf = (res: request.Response) => unsignSessionId(/connect\.sid=([^;]+)/.exec(String(res.headers["set-cookie"]))![1]!);

describe("express-session behaviours SessionTokens relies on", () => {
  it("req.sessionStore is the very store the app configured", async () => {
    const store = new RecordingStore();
    const { app: a, seen } = app(store);
    await request(a).get("/read").expect(200);
    expect(seen.store).toBe(store);
  });

  it("calls store.set(sid, session, callback) for a changed session, with the session's own id", async () => {
    const store = new RecordingStore();
    const res = await request(app(store).app).post("/write").expect(200);
    const [write] = store.writes();
    expect(write).toMatchObject({ method: "set", sid: sidOf(res) });
    expect(write!.args[0]).toMatchObject({ data: { n: 1 } });
    expect(typeof write!.args[1]).toBe("function");
  });

  it("loads an existing session through store.get(sid, callback)", async () => {
    const store = new RecordingStore();
    const agent = request.agent(app(store).app);
    const res = await agent.post("/write").expect(200);
    store.calls.length = 0;
    await agent.get("/read").expect(200);
    expect(store.calls[0]).toMatchObject({ method: "get", sid: sidOf(res) });
  });

  it("calls touch, not set, for a session the request did not change (resave: false)", async () => {
    const store = new RecordingStore();
    const agent = request.agent(app(store).app);
    const res = await agent.post("/write").expect(200);
    store.calls.length = 0;
    await agent.get("/read").expect(200);
    expect(store.writes().map((c) => [c.method, c.sid])).toEqual([["touch", sidOf(res)]]);
    expect(store.writes()[0]!.args[0]).toMatchObject({ data: { n: 1 } });
  });

  it("skips the save by hash: swapping a field for an object with the same JSON is not a change", async () => {
    const store = new RecordingStore();
    const agent = request.agent(app(store).app);
    await agent.post("/write").expect(200);
    store.calls.length = 0;
    await agent.get("/rewrap").expect(200);
    expect(store.writes().map((c) => c.method)).toEqual(["touch"]);
  });

  it("puts the objects a store's get hands back on req.session as they are (a wrapped field stays wrapped)", async () => {
    const store = new RecordingStore();
    const get = store.get.bind(store);
    store.get = (sid, cb) =>
      get(sid, (err, sess) => cb(err, sess && ({ ...sess, wrapped: new Wrapped("x") } as session.SessionData)));
    const { app: a } = app(store);
    let seen: unknown;
    a.get("/peek", (req, res) => {
      seen = (req.session as unknown as { wrapped?: unknown }).wrapped;
      res.end();
    });
    const agent = request.agent(a);
    await agent.post("/write").expect(200);
    await agent.get("/peek").expect(200);
    expect(seen).toBeInstanceOf(Wrapped);
  });

  it("regenerate destroys the old id in the store and saves under a new one", async () => {
    const store = new RecordingStore();
    const agent = request.agent(app(store).app);
    const first = sidOf(await agent.post("/write").expect(200));
    store.calls.length = 0;
    const second = sidOf(await agent.post("/regenerate").expect(200));
    expect(second).not.toBe(first);
    expect(store.calls.filter((c) => c.method === "destroy").map((c) => c.sid)).toEqual([first]);
    expect(store.writes().map((c) => [c.method, c.sid])).toEqual([["set", second]]);
  });
});
