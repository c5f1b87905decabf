// Loads @opentelemetry/api only if the app installed it (an optional peer); without it every span and metric is a no-op.
import type * as OtelApi from "@opentelemetry/api";

export type Otel = typeof OtelApi;

let loaded: Otel | null | undefined;

/** The app's copy of the API (the one its SDK registers with), or null when it is not installed. */
export function otel(): Otel | null {
  if (loaded === undefined) {
    try {
      // A plain require keeps the module optional: a static import would make it a hard dependency.
      loaded = require("@opentelemetry/api") as Otel;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

export const INSTRUMENTATION_NAME = "express-pitchly";
