// Fault injection: lets tests make an endpoint slow, failing, malformed, dropped or hanging.
import type { ServerResponse } from "node:http";
import { sendJson, sendText } from "./http-util";
import type { Fault, MockFaults } from "./types";

export type FaultKind = keyof MockFaults;

/** What applying a fault did: the endpoint carries on, or the fault already took the call (with this status, 0 = no answer). */
export type FaultOutcome = { handled: false } | { handled: true; status: number };

const CONTINUE: FaultOutcome = { handled: false };

export class FaultBox {
  private faults: MockFaults = {};
  private readonly timers = new Set<NodeJS.Timeout>();

  set(faults: MockFaults): void {
    // Copies, because `times` is decremented here and the caller's object must stay as written.
    this.faults = {};
    for (const kind of ["token", "graphql", "authorize"] as const) {
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
    const status = fault.status ?? (fault.retryAfter !== undefined ? 429 : undefined);
    if (status !== undefined) {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
      sendJson(res, status, { error: status === 429 ? "rate_limited" : "server_error" }, headers);
      return { handled: true, status };
    }
    if (fault.malformed) {
      sendText(res, 200, "text/html", "<html>oops");
      return { handled: true, status: 200 };
    }
    if (fault.body !== undefined) {
      sendText(res, 200, "application/json", fault.body);
      return { handled: true, status: 200 };
    }
    return CONTINUE;
  }

  /** Stops pending latency timers so close() leaves nothing keeping the process alive. */
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
