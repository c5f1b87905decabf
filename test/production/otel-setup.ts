// Test fixture: an in-memory OpenTelemetry SDK registered globally, read back after a flow.
import { metrics, trace } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** A reader we collect from on demand (cumulative), instead of waiting for a periodic export. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface InMemoryOtel {
  spans(): ReadableSpan[];
  /** Every data point of `name`, with its attributes and value (sum for counters, count/sum for histograms). */
  points(name: string): Array<{ attributes: Record<string, unknown>; value: unknown }>;
  collect(): Promise<ResourceMetrics>;
  reset(): void;
}

let latest: ResourceMetrics | undefined;

/** Registers once per test file (the API's globals refuse a second provider). */
export function installOtel(): InMemoryOtel {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new OnDemandReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return {
    spans: () => exporter.getFinishedSpans(),
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
      latest = resourceMetrics;
      return resourceMetrics;
    },
    points(name) {
      const all = (latest?.scopeMetrics ?? []).flatMap((scope) => scope.metrics).filter((m) => m.descriptor.name === name);
      return all.flatMap((m) =>
        m.dataPoints.map((p) => ({ attributes: p.attributes as Record<string, unknown>, value: p.value })),
      );
    },
    reset: () => exporter.reset(),
  };
}

/** Sum of a counter's points (optionally only those with these attributes). */
export function counterValue(otel: InMemoryOtel, name: string, where: Record<string, unknown> = {}): number {
  return otel
    .points(name)
    .filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + Number(p.value), 0);
}
