// What a finished refresh flight tells the app: its hooks and the refresh metrics, once per flight.
import { isPitchlyAuthError } from "../errors";
import type { TokenSet } from "../pitchly/token-set";
import { recordRefresh } from "../telemetry/metrics";
import type { Hooks } from "./hooks";

/** One single flight: how many callers joined it, and whether it rotated the pair itself (not adopted one). */
export interface Flight {
  joined: number;
  rotated: boolean;
  readonly startedAt: number;
}

export function newFlight(): Flight {
  return { joined: 0, rotated: false, startedAt: performance.now() };
}

export class RefreshEvents {
  constructor(private readonly hooks: Hooks | undefined) {}

  /** Only a rotation this process made counts; a pair adopted from another process or request is nobody's new refresh. */
  succeeded(grantKey: string, flight: Flight, tokens: TokenSet): void {
    if (!flight.rotated) return;
    recordRefresh({ ok: true }, performance.now() - flight.startedAt, flight.joined);
    this.hooks?.fire("onRefresh", { grantKey, expiresAt: tokens.expiresAt, coalesced: flight.joined });
  }

  failed(grantKey: string, flight: Flight, err: unknown): void {
    recordRefresh({ ok: false, error: err }, performance.now() - flight.startedAt, flight.joined);
    this.hooks?.fire("onRefreshFailed", { grantKey, code: isPitchlyAuthError(err) ? err.code : "unknown" });
  }
}
