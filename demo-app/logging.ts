// Logs: pino (pretty in a terminal, JSON otherwise) and pino-http request lines with OAuth secrets cut from URLs.
import type { IncomingMessage, ServerResponse } from "node:http";
import pino, { type Logger } from "pino";
import { pinoHttp } from "pino-http";
import pretty from "pino-pretty";

const SECRET_PARAMS = ["code", "state", "access_token", "refresh_token", "error_description"];

/** "/auth/pitchly/callback?code=[redacted]&state=[redacted]": request logs never carry a code or a state. */
export function redactUrl(url: string): string {
  const at = url.indexOf("?");
  if (at === -1) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const name of SECRET_PARAMS) if (params.has(name)) params.set(name, "[redacted]");
  return `${url.slice(0, at)}?${params.toString().replace(/%5Bredacted%5D/g, "[redacted]")}`;
}

/** The demo's logger: colourful lines in a terminal, JSON lines when piped; LOG_LEVEL overrides "info". */
export function createDemoLogger(level = process.env.LOG_LEVEL ?? "info", terminal = Boolean(process.stdout.isTTY)): Logger {
  if (!terminal) return pino({ level });
  return pino(
    { level },
    pretty({
      colorize: true,
      translateTime: "HH:MM:ss",
      ignore: "pid,hostname,module,req,res,responseTime",
      // One line per request: "GET /profile → 200 (12 ms)".
      messageFormat: (log, messageKey) => {
        const req = log.req as { method?: string; url?: string } | undefined;
        const res = log.res as { statusCode?: number } | undefined;
        if (!req?.method) return String(log[messageKey]);
        return `${req.method} ${req.url} → ${res?.statusCode ?? "?"} (${String(log.responseTime ?? "?")} ms)`;
      },
    }),
  );
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? "").startsWith("/assets/") },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info",
    // Only method and URL: headers would carry the session cookie.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
