// Refresh and lock-wait metrics; instruments are made against whatever MeterProvider the app registered.
import type { Counter, Histogram, MeterProvider } from "@opentelemetry/api";
import { errorType } from "./spans";
import { INSTRUMENTATION_NAME, otel } from "./otel";

interface Instruments {
  done: Counter;
  coalesced: Counter;
  failed: Counter;
  duration: Histogram;
  lockWaits: Counter;
  lockWaitDuration: Histogram;
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/** A meter taken before the app's SDK starts would stay a no-op forever, so the provider is checked each time. */
function instruments(): Instruments | undefined {
  const api = otel();
  if (!api) return undefined;
  const provider = api.metrics.getMeterProvider();
  if (cached && cached.provider === provider) return cached.instruments;
  const meter = provider.getMeter(INSTRUMENTATION_NAME);
  const made: Instruments = {
    done: meter.createCounter("pitchly.refresh.done", { description: "Refreshes that rotated a grant's tokens" }),
    coalesced: meter.createCounter("pitchly.refresh.coalesced", { description: "Callers that shared another caller's refresh" }),
    failed: meter.createCounter("pitchly.refresh.failed", { description: "Refreshes that failed, by error.type" }),
    duration: meter.createHistogram("pitchly.refresh.duration", {
      unit: "s",
      description: "Duration of a refresh, lock wait included",
    }),
    lockWaits: meter.createCounter("pitchly.lock.waits", { description: "Waits on another process's refresh lock" }),
    lockWaitDuration: meter.createHistogram("pitchly.lock.wait.duration", {
      unit: "s",
      description: "Time spent waiting on another process's refresh",
    }),
  };
  cached = { provider, instruments: made };
  return made;
}

export function recordRefresh(
  outcome: { ok: true } | { ok: false; error: unknown },
  durationMs: number,
  coalesced: number,
): void {
  const m = instruments();
  if (!m) return;
  if (outcome.ok) {
    m.done.add(1);
    m.duration.record(durationMs / 1000, { "pitchly.refresh.outcome": "rotated" });
  } else {
    const type = errorType(outcome.error);
    m.failed.add(1, { "error.type": type });
    m.duration.record(durationMs / 1000, { "pitchly.refresh.outcome": "failed", "error.type": type });
  }
  if (coalesced > 0) m.coalesced.add(coalesced);
}

export function recordLockWait(durationMs: number, outcome: "adopted" | "acquired" | "timeout"): void {
  const m = instruments();
  if (!m) return;
  m.lockWaits.add(1, { "pitchly.lock.outcome": outcome });
  m.lockWaitDuration.record(durationMs / 1000, { "pitchly.lock.outcome": outcome });
}
