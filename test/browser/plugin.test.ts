// connectPitchlyPlugin: ready to the platform origin only, origin/source/shape checks, typed state, person check, close().
import {
  DEFAULT_PLATFORM_ORIGIN,
  PitchlyBrowserError,
  connectPitchlyPlugin,
  type PitchlyPersonMismatch,
  type PitchlyPluginChange,
  type PitchlyPluginOptions,
  type PitchlyRawMessage,
} from "express-pitchly/browser";
import { FakeWindow, PLATFORM, fakeFrame } from "./fake-window";

const WORKSPACE = { type: "workspace", data: { workspaceId: "wks4bX9kQ2mN7pL3rT8v" } };
const PERSON = { type: "person", data: { personId: "psnA1b2C3d4E5f6G7h8i" } };
const TABLE = { type: "table", data: { tableId: "tbl9zY8xW7vU6tS5rQ4p" } };
const CELL = { type: "activeCell", data: { fieldId: "fldK1l2M3n4O5p6Q7r8s", recordId: "recT1u2V3w4X5y6Z7a8b" } };
const FOCUS = { type: "focus", data: { isFocused: false } };

function connect(opts: PitchlyPluginOptions = {}) {
  const { win, parent } = fakeFrame();
  const messages: PitchlyRawMessage[] = [];
  const changes: PitchlyPluginChange[] = [];
  const mismatches: PitchlyPersonMismatch[] = [];
  const plugin = connectPitchlyPlugin(
    {
      onMessage: (m) => messages.push(m),
      onChange: (c) => changes.push(c),
      onPersonMismatch: (m) => mismatches.push(m),
      ...opts,
    },
    { window: win },
  );
  return { win, parent, plugin, messages, changes, mismatches };
}

function invalidOption(opts: unknown): PitchlyBrowserError {
  const { win } = fakeFrame();
  try {
    connectPitchlyPlugin(opts as PitchlyPluginOptions, { window: win });
  } catch (error) {
    if (error instanceof PitchlyBrowserError) return error;
    throw error;
  }
  throw new Error("expected connectPitchlyPlugin to throw");
}

describe("ready", () => {
  it("posts { type: 'ready' } once to window.parent, for https://platform.pitchly.com only", () => {
    const { parent, plugin } = connect();
    expect(parent.posted).toEqual([{ message: { type: "ready" }, targetOrigin: "https://platform.pitchly.com" }]);
    expect(DEFAULT_PLATFORM_ORIGIN).toBe("https://platform.pitchly.com");
    expect(plugin.platformOrigin).toBe(DEFAULT_PLATFORM_ORIGIN);
    expect(plugin.framed).toBe(true);
  });

  it("targets the configured platformOrigin, never '*'", () => {
    const { parent } = connect({ platformOrigin: "http://127.0.0.1:4100" });
    expect(parent.posted.map((p) => p.targetOrigin)).toEqual(["http://127.0.0.1:4100"]);
  });

  it("listens before posting, so the state Pitchly sends straight back is kept", () => {
    const { win, parent } = fakeFrame();
    parent.onPost = () => win.deliver(WORKSPACE);
    const plugin = connectPitchlyPlugin({}, { window: win });
    expect(plugin.state.workspace).toEqual(WORKSPACE.data);
  });

  it("posts nothing on a top-level page and says it is not framed", () => {
    const win = new FakeWindow();
    const posted: unknown[] = [];
    win.postMessage = (...args: unknown[]) => void posted.push(args);
    const plugin = connectPitchlyPlugin({}, { window: win });
    expect(plugin.framed).toBe(false);
    expect(posted).toEqual([]);
  });

  it("fails clearly where there is no window", () => {
    expect(() => connectPitchlyPlugin()).toThrow(expect.objectContaining({ code: "browser_unsupported" }));
  });
});

describe("accepting messages", () => {
  it.each(["https://evil.example", "https://platform.pitchly.com.evil.example", "http://platform.pitchly.com", "null", ""])(
    "ignores a message from origin %j",
    (origin) => {
      const { win, plugin, messages, changes } = connect();
      win.deliver(WORKSPACE, { origin });
      expect(plugin.state).toEqual({});
      expect(messages).toEqual([]);
      expect(changes).toEqual([]);
    },
  );

  it("ignores the platform origin speaking from another window than the parent", () => {
    const { win, plugin, messages } = connect();
    const sibling = fakeFrame().parent;
    for (const source of [sibling, null, win, undefined]) win.deliver(WORKSPACE, { source });
    expect(plugin.state).toEqual({});
    expect(messages).toEqual([]);
  });

  it.each([
    ["a string", JSON.stringify(WORKSPACE)],
    ["null", null],
    ["an array", [WORKSPACE]],
    ["no data", { type: "workspace" }],
    ["data null", { type: "workspace", data: null }],
    ["data an array", { type: "workspace", data: ["wks4bX9kQ2mN7pL3rT8v"] }],
    ["data a string", { type: "workspace", data: "wks4bX9kQ2mN7pL3rT8v" }],
    ["a numeric type", { type: 1, data: {} }],
    ["an empty type", { type: "", data: {} }],
  ])("ignores %s", (_label, data) => {
    const { win, plugin, messages, changes } = connect();
    win.deliver(data);
    expect(plugin.state).toEqual({});
    expect(messages).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("passes an unknown type to onMessage raw without storing it or emitting a change", () => {
    const { win, plugin, messages, changes } = connect();
    win.deliver({ type: "selection", data: { recordIds: ["rec1"] } });
    expect(messages).toEqual([{ type: "selection", data: { recordIds: ["rec1"] } }]);
    expect(plugin.state).toEqual({});
    expect(changes).toEqual([]);
  });

  it("passes a known type with malformed data raw, keeping the previous value", () => {
    const { win, plugin, messages, changes } = connect();
    win.deliver(WORKSPACE);
    win.deliver({ type: "workspace", data: { workspaceId: 42 } });
    win.deliver({ type: "activeCell", data: { fieldId: "fld1" } });
    win.deliver({ type: "focus", data: { isFocused: "yes" } });
    expect(plugin.state).toEqual({ workspace: WORKSPACE.data });
    expect(messages).toHaveLength(4);
    expect(changes).toHaveLength(1);
  });

  it("ignores __proto__ and other inherited names as types", () => {
    const { win, plugin, changes } = connect();
    win.deliver({ type: "__proto__", data: { polluted: true } });
    win.deliver({ type: "toString", data: {} });
    expect(plugin.state).toEqual({});
    expect(changes).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("state", () => {
  it.each([WORKSPACE, PERSON, TABLE, CELL, FOCUS])("keeps the latest $type and emits one change for it", (message) => {
    const { win, plugin, changes } = connect();
    win.deliver(message);
    expect(plugin.state).toEqual({ [message.type]: message.data });
    expect(changes).toEqual([{ type: message.type, data: message.data, state: plugin.state }]);
  });

  it("builds up every part, replaces a value with the next message and emits a change per message", () => {
    const { win, plugin, changes } = connect();
    for (const message of [WORKSPACE, PERSON, TABLE, CELL, FOCUS]) win.deliver(message);
    const nextCell = { fieldId: "fldOther000000000001", recordId: "recOther000000000001" };
    win.deliver({ type: "activeCell", data: nextCell });
    win.deliver({ type: "activeCell", data: nextCell });
    expect(plugin.state).toEqual({
      workspace: WORKSPACE.data,
      person: PERSON.data,
      table: TABLE.data,
      activeCell: nextCell,
      focus: FOCUS.data,
    });
    expect(changes.map((c) => c.type)).toEqual([
      "workspace",
      "person",
      "table",
      "activeCell",
      "focus",
      "activeCell",
      "activeCell",
    ]);
    expect(changes[4]?.state.activeCell).toEqual(CELL.data);
  });

  it("keeps only the documented fields and hands out frozen snapshots", () => {
    const { win, plugin } = connect();
    win.deliver({ type: "table", data: { tableId: "tbl1", name: "Deals", extra: { deep: true } } });
    const before = plugin.state;
    expect(before.table).toEqual({ tableId: "tbl1" });
    expect(Object.isFrozen(before)).toBe(true);
    expect(Object.isFrozen(before.table)).toBe(true);
    win.deliver(FOCUS);
    expect(plugin.state).not.toBe(before);
    expect(before).toEqual({ table: { tableId: "tbl1" } });
  });

  it("narrows a change by its type", () => {
    const { win, plugin } = connect();
    const recordIds: string[] = [];
    plugin.on("change", (change) => {
      if (change.type === "activeCell") recordIds.push(change.data.recordId);
    });
    win.deliver(TABLE);
    win.deliver(CELL);
    expect(recordIds).toEqual([CELL.data.recordId]);
  });
});

describe("the signed-in person", () => {
  it("reports a person Pitchly sees other than the signed-in one, once per pair", () => {
    const seen: PitchlyPersonMismatch[] = [];
    const { win, plugin, mismatches } = connect({ signedInPersonId: "psnSomeoneElse000001" });
    plugin.on("personMismatch", (m) => seen.push(m));
    win.deliver(PERSON);
    win.deliver(PERSON);
    const expected = { pitchlyPersonId: PERSON.data.personId, signedInPersonId: "psnSomeoneElse000001" };
    expect(mismatches).toEqual([expected]);
    expect(seen).toEqual([expected]);
  });

  it("stays quiet when they match, when nobody is signed in and while the signed-in person is unknown", () => {
    for (const signedInPersonId of [PERSON.data.personId, null, undefined]) {
      const { win, mismatches } = connect({ signedInPersonId });
      win.deliver(PERSON);
      expect(mismatches).toEqual([]);
    }
  });

  it("compares again when the page learns who is signed in, and when Pitchly reports another person", () => {
    const { win, plugin, mismatches } = connect();
    win.deliver(PERSON);
    plugin.setSignedInPersonId(PERSON.data.personId);
    expect(mismatches).toEqual([]);
    plugin.setSignedInPersonId("psnSomeoneElse000001");
    win.deliver({ type: "person", data: { personId: "psnThird00000000001" } });
    expect(mismatches.map((m) => [m.pitchlyPersonId, m.signedInPersonId])).toEqual([
      [PERSON.data.personId, "psnSomeoneElse000001"],
      ["psnThird00000000001", "psnSomeoneElse000001"],
    ]);
  });

  it("refuses a malformed signed-in person id", () => {
    const { plugin } = connect();
    expect(() => plugin.setSignedInPersonId("")).toThrow(/personId must be a non-empty string/);
  });
});

describe("listeners and close()", () => {
  it("runs every listener even when one throws, then rethrows the first error", () => {
    const { win, plugin, changes } = connect({
      onMessage: () => {
        throw new Error("first");
      },
    });
    const later: string[] = [];
    plugin.on("change", () => {
      throw new Error("second");
    });
    plugin.on("change", (c) => later.push(c.type));
    expect(() => win.deliver(WORKSPACE)).toThrow("first");
    expect(changes).toHaveLength(1);
    expect(later).toEqual(["workspace"]);
    expect(plugin.state.workspace).toEqual(WORKSPACE.data);
  });

  it("on() returns an unsubscribe function", () => {
    const { win, plugin } = connect();
    const types: string[] = [];
    const off = plugin.on("message", (m) => types.push(m.type));
    win.deliver(WORKSPACE);
    off();
    win.deliver(TABLE);
    expect(types).toEqual(["workspace"]);
  });

  it("close() removes the message listener and ignores anything after", () => {
    const { win, plugin, messages, changes } = connect();
    expect(win.listeners.size).toBe(1);
    plugin.close();
    plugin.close();
    expect(win.listeners.size).toBe(0);
    win.deliver(WORKSPACE);
    expect(plugin.state).toEqual({});
    expect(messages).toEqual([]);
    expect(changes).toEqual([]);
  });
});

describe("options", () => {
  it.each([
    "https://platform.pitchly.com/",
    "https://platform.pitchly.com/plugins",
    "https://platform.pitchly.com?x=1",
    "https://Platform.Pitchly.com",
    "https://platform.pitchly.com:443",
    "ftp://platform.pitchly.com",
    "platform.pitchly.com",
    "*",
    42,
  ])("refuses platformOrigin %j, naming the field", (platformOrigin) => {
    const error = invalidOption({ platformOrigin });
    expect(error.code).toBe("invalid_options");
    expect(error.message).toMatch(/^platformOrigin must be an origin like https:\/\/platform\.pitchly\.com/);
  });

  it.each([
    [{ signedInPersonId: "" }, /^signedInPersonId must be a non-empty string/],
    [{ signedInPersonId: 7 }, /^signedInPersonId must be a non-empty string/],
    [{ onMessage: "log" }, /^onMessage must be a function/],
    [{ onChange: {} }, /^onChange must be a function/],
    [{ onPersonMismatch: true }, /^onPersonMismatch must be a function/],
  ])("refuses %j", (opts, message) => {
    const error = invalidOption(opts);
    expect(error.code).toBe("invalid_options");
    expect(error.message).toMatch(message);
  });

  it("refuses options that are not an object", () => {
    expect(invalidOption(null).message).toBe("connectPitchlyPlugin options must be an object");
  });

  it("validates before touching the window: nothing is posted or listened to", () => {
    const { win, parent } = fakeFrame();
    expect(() => connectPitchlyPlugin({ platformOrigin: "https://x.example/" }, { window: win })).toThrow(PitchlyBrowserError);
    expect(parent.posted).toEqual([]);
    expect(win.listeners.size).toBe(0);
  });

  it("accepts a local Pitchly origin with a port", () => {
    const { win, parent } = fakeFrame();
    const plugin = connectPitchlyPlugin({ platformOrigin: "http://127.0.0.1:4100" }, { window: win });
    win.deliver(PERSON, { origin: "http://127.0.0.1:4100", source: parent });
    expect(plugin.state.person).toEqual(PERSON.data);
    win.deliver(TABLE, { origin: PLATFORM });
    expect(plugin.state.table).toBeUndefined();
  });
});
