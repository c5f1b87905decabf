// Client spans around calls to Pitchly, with semantic-convention attributes and nothing secret in them.
import { INSTRUMENTATION_NAME, otel } from "./otel";

export type AttributeValue = string | number | boolean;
export type SpanAttributes = Record<string, AttributeValue | undefined>;

/** The little of a span our code touches; the no-op one costs nothing. */
export interface SpanHandle {
  setAttribute(key: string, value: AttributeValue): void;
}

const NOOP_SPAN: SpanHandle = { setAttribute() {} };

/** `server.address` / `server.port` of a URL we call (never its query: it carries nothing, but on principle). */
export function serverAttributes(url: string): SpanAttributes {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
  return { "server.address": parsed.hostname, "server.port": port, "http.request.method": "POST" };
}

/** The stable `code` of our errors, else the error's class name: never its message. */
export function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[a-z_]{1,64}$/.test(code)) return code;
  return err instanceof Error ? err.name : "_OTHER";
}

/**
 * Runs `work` in a CLIENT span (a child of the app's current span when its SDK has a context manager).
 * An error sets `error.type` and the ERROR status; the exception itself is not recorded (its message
 * could quote Pitchly's answer).
 */
export async function inSpan<T>(name: string, attributes: SpanAttributes, work: (span: SpanHandle) => Promise<T>): Promise<T> {
  const api = otel();
  if (!api) return work(NOOP_SPAN);
  const tracer = api.trace.getTracer(INSTRUMENTATION_NAME);
  const clean: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) clean[key] = value;
  const span = tracer.startSpan(name, { kind: api.SpanKind.CLIENT, attributes: clean });
  try {
    const result = await api.context.with(api.trace.setSpan(api.context.active(), span), () => work(span));
    span.end();
    return result;
  } catch (err) {
    span.setAttribute("error.type", errorType(err));
    span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
    throw err;
  }
}
