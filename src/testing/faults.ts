// Fault injection, one model for every test: slow, failing, arbitrary, huge, trickling, lost, dropped or hanging answers.
import type { ServerResponse } from "node:http";
import { sendJson, sendText } from "./http-util";
import { streamBytes, trickle } from "./fault-streams";
import type { Fault, MockFaults } from "./types";

export type FaultKind = keyof MockFaults;

/**
 * What applying a fault did: the endpoint carries on (and with `loseResponse` must drop its answer), or the fault
 * already took the call (with this status, 0 = no answer).
 */
export type FaultOutcome = { handled: false; loseResponse?: true } | { handled: true; status: number };

const CONTINUE: FaultOutcome = { handled: false };
const KINDS = ["token", "graphql", "authorize"] as const;

export class FaultBox {
  private faults: MockFaults = {};
  private readonly timers = new Set<NodeJS.Timeout>();

  set(faults: MockFaults): void {
    // Copies, because `times` is decremented here and the caller's object must stay as written.
    this.faults = {};
    for (const kind of KINDS) {
      const fault = faults[kind];
      if (fault && (fault.times === undefined || fault.times > 0)) this.faults[kind] = { ...fault };
    }
  }

  /** Claims the fault for one call of this kind, counting it against `times`. */
  take(kind: FaultKind): Fault | undefined {
    const fault = this.faults[kind];
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) delete this.faults[kind];
    }
    return fault;
  }

  async apply(fault: Fault | undefined, res: ServerResponse): Promise<FaultOutcome> {
    if (!fault) return CONTINUE;
    if (fault.latencyMs && fault.latencyMs > 0) {
      await this.delay(fault.latencyMs);
      // A caller that gave up (timeout) must not have its grant consumed behind its back: a rotated
      // refresh token it never received would turn a slow Pitchly into a forced logout in tests.
      if (res.destroyed || res.socket?.destroyed !== false) return { handled: true, status: 0 };
    }
    if (fault.drop) {
      res.socket?.destroy();
      return { handled: true, status: 0 };
    }
    if (fault.hang) return { handled: true, status: 0 };
    if (fault.loseResponse) return { handled: false, loseResponse: true };
    if (fault.stream !== undefined) {
      streamBytes(res, fault.stream, fault.headers);
      return { handled: true, status: 200 };
    }
    if (fault.trickleMs !== undefined) {
      this.timers.add(trickle(res, fault.trickleMs, fault.headers));
      return { handled: true, status: 200 };
    }
    const headers = { ...(fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {}), ...fault.headers };
    const status = fault.status ?? (fault.retryAfter !== undefined ? 429 : undefined);
    if (fault.body !== undefined) {
      sendText(res, status ?? 200, "application/json", fault.body, headers);
      return { handled: true, status: status ?? 200 };
    }
    if (status !== undefined) {
      sendJson(res, status, { error: status === 429 ? "rate_limited" : "server_error" }, headers);
      return { handled: true, status };
    }
    if (fault.malformed) {
      sendText(res, 200, "text/html", "<html>oops", headers);
      return { handled: true, status: 200 };
    }
    return CONTINUE;
  }

  /** Stops pending latency and trickle timers so close() leaves nothing keeping the process alive. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** Ends a normal answer, unless the fault said to lose it: then the work is done but the caller never hears. */
export function deliver(res: ServerResponse, outcome: FaultOutcome, send: () => void): void {
  if (!outcome.handled && outcome.loseResponse) {
    res.socket?.destroy();
    return;
  }
  send();
}
