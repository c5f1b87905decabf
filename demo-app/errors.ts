// The demo's error handler: a friendly page (or JSON for fetch calls) for every error code, nothing reflected raw.
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { PitchlyGraphQLError, isPitchlyAuthError } from "express-pitchly";
import { errorCopy, renderErrorPage, type DemoErrorCode, type ErrorCode } from "./views/error-page";
import type { LayoutInput } from "./views/layout";

/** An error of the demo's own, carrying one of its codes. */
export class DemoError extends Error {
  constructor(
    readonly code: DemoErrorCode,
    readonly status: number,
  ) {
    super(code);
    this.name = "DemoError";
  }
}

export const notFound: RequestHandler = (_req, _res, next) => next(new DemoError("not_found", 404));

function classify(err: unknown): { code: ErrorCode; status: number; retryAfter?: number } {
  if (isPitchlyAuthError(err))
    return { code: err.code, status: err.status, ...(err.retryAfter !== undefined && { retryAfter: err.retryAfter }) };
  if (err instanceof PitchlyGraphQLError) return { code: "graphql_error", status: 502 };
  if (err instanceof DemoError) return { code: err.code, status: err.status };
  const status = (err as { status?: unknown }).status;
  // body-parser and friends: a 4xx of theirs is the client's mistake, shown generically.
  if (typeof status === "number" && status >= 400 && status < 500) return { code: "bad_request", status };
  return { code: "internal", status: 500 };
}

export function errorHandler(logger: Logger, page: Omit<LayoutInput, "title" | "body">): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const { code, status, retryAfter } = classify(err);
    if (status >= 500) logger.error({ err, code }, "request failed");
    else logger.warn({ code }, "request refused");
    if (retryAfter !== undefined) res.setHeader("Retry-After", String(retryAfter));
    res.setHeader("Cache-Control", "no-store");
    res.status(status);
    if (req.accepts(["html", "json"]) === "json") {
      res.json({ error: code, message: errorCopy(code).message });
      return;
    }
    res.type("html").send(renderErrorPage(code, { ...page, signedIn: req.session?.demo !== undefined }));
  };
}
