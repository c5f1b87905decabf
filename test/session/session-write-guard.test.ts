// The store guard on its own: wraps once, hands the store a copy (never changing the caller's session), drops on request.
import { inspect } from "node:util";
import session from "express-session";
import { guardSessionStore, type SessionWriteFilter } from "../../src/session/session-write-guard";
import { GrantRecord } from "../../src/session/grant-record";

const set = (store: session.Store, sid: string, sess: object) =>
  new Promise<unknown>((resolve) => store.set(sid, sess as session.SessionData, (err?: unknown) => resolve(err)));
const get = (store: session.Store, sid: string) =>
  new Promise<Record<string, unknown> | null | undefined>((resolve) =>
    store.get(sid, (_e, s) => resolve(s as Record<string, unknown> | null | undefined)),
  );

class Cookieish {
  toJSON() {
    return { path: "/" };
  }
}

describe("guardSessionStore", () => {
  it("wraps a store once, however many times and by however many filters it is asked", async () => {
    const store = new session.MemoryStore();
    const calls: string[] = [];
    const a: SessionWriteFilter = { filter: (sid, s) => (calls.push(`a:${sid}`), s) };
    const b: SessionWriteFilter = { filter: (sid, s) => (calls.push(`b:${sid}`), s) };
    expect(guardSessionStore(store, a)).toBe(true);
    const wrapped = store.set;
    expect(guardSessionStore(store, a)).toBe(false);
    expect(guardSessionStore(store, b)).toBe(true);
    expect(store.set).toBe(wrapped);
    await set(store, "s1", { cookie: new Cookieish() });
    expect(calls).toEqual(["a:s1", "b:s1"]);
  });

  it("writes the filter's copy and leaves the caller's object as it was", async () => {
    const store = new session.MemoryStore();
    const original = { cookie: new Cookieish(), pitchly: { grantKey: "g", rev: 1 }, other: 1 };
    guardSessionStore(store, { filter: (_sid, s) => ({ ...s, pitchly: { grantKey: "g", rev: 2 } }) });
    await set(store, "s1", original);
    expect(original.pitchly).toEqual({ grantKey: "g", rev: 1 });
    expect(JSON.parse(JSON.stringify(await get(store, "s1")))).toMatchObject({ pitchly: { grantKey: "g", rev: 2 }, other: 1 });
  });

  it("drops a write the filter refuses: the caller hears success, the store holds nothing", async () => {
    const store = new session.MemoryStore();
    guardSessionStore(store, { filter: () => undefined });
    await expect(set(store, "s1", { cookie: new Cookieish() })).resolves.toBeUndefined();
    expect(await get(store, "s1")).toBeFalsy();
  });

  it("hands back a loaded grant field as a record: same JSON, tokens hidden from util.inspect", async () => {
    const store = new session.MemoryStore();
    const data = {
      grantKey: "g",
      rev: 1,
      tokens: { accessToken: "secret-at", refreshToken: "secret-rt", expiresAt: 1, tokenType: "bearer" },
    };
    await set(store, "s1", { cookie: new Cookieish(), pitchly: data });
    guardSessionStore(store, { filter: (_sid, s) => s });
    const loaded = (await get(store, "s1"))!;
    expect(loaded.pitchly).toBeInstanceOf(GrantRecord);
    expect(JSON.parse(JSON.stringify(loaded.pitchly))).toEqual(data);
    expect(inspect(loaded, { depth: 10 })).not.toMatch(/secret-/);
    expect(JSON.stringify({ ...(loaded.pitchly as object) })).toBe("{}");
    expect(JSON.stringify(structuredClone(loaded.pitchly))).not.toMatch(/secret-/);
  });
});
