// MemoryTokenStore: the shared contract, plus its once-per-process production warning.
import pino from "pino";
import { Writable } from "node:stream";
import { MemoryTokenStore } from "../../src/stores/memory-token-store";
import { describeTokenStoreContract } from "./token-store-contract";

describeTokenStoreContract("MemoryTokenStore", async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }));

describe("MemoryTokenStore production warning", () => {
  const originalEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalEnv;
    jest.restoreAllMocks();
  });

  // A fresh copy of the module each time, so its once-per-process flag starts unset.
  function freshClass(): typeof MemoryTokenStore {
    let Fresh: typeof MemoryTokenStore | undefined;
    jest.isolateModules(() => {
      Fresh = (require("../../src/stores/memory-token-store") as typeof import("../../src/stores/memory-token-store"))
        .MemoryTokenStore;
    });
    return Fresh as typeof MemoryTokenStore;
  }

  test("in production, emits one process warning however many stores are built", () => {
    process.env.NODE_ENV = "production";
    const emit = jest.spyOn(process, "emitWarning").mockImplementation(() => {});
    const Fresh = freshClass();
    new Fresh();
    new Fresh();
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0]?.[0]).toMatch(/^MemoryTokenStore keeps tokens in this process only/);
    expect(emit.mock.calls[0]?.[1]).toEqual({ code: "PITCHLY_MEMORY_STORE" });
  });

  test("in production with a logger, warns through the logger instead, once", () => {
    process.env.NODE_ENV = "production";
    const emit = jest.spyOn(process, "emitWarning").mockImplementation(() => {});
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: "warn" }, sink);
    const Fresh = freshClass();
    new Fresh({ logger });
    new Fresh({ logger });
    new Fresh();
    expect(emit).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? "{}") as { level: number; msg: string; code: string };
    expect(entry).toMatchObject({ level: 40, warningCode: "PITCHLY_MEMORY_STORE" });
    expect(entry.msg).toMatch(/MemoryTokenStore keeps tokens in this process only/);
  });

  test("outside production, says nothing", () => {
    process.env.NODE_ENV = "development";
    const emit = jest.spyOn(process, "emitWarning").mockImplementation(() => {});
    const Fresh = freshClass();
    new Fresh();
    expect(emit).not.toHaveBeenCalled();
  });

  test("never puts token values in what it logs", async () => {
    process.env.NODE_ENV = "production";
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const Fresh = freshClass();
    const store = new Fresh({ logger: pino({ level: "trace" }, sink) });
    await store.set("g", { accessToken: "secret-at", refreshToken: "secret-rt", expiresAt: 1, tokenType: "bearer" });
    await store.compareAndSet("g", "secret-rt", { accessToken: "secret-at2", expiresAt: 2, tokenType: "bearer" });
    expect(lines.join("")).not.toMatch(/secret-/);
  });
});
