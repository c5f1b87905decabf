// A bare 302: no negotiated body, so a sign-in costs less than Express's res.redirect (bench/RESULTS.md).
import type { Response } from "express";

/**
 * Every location passed here is already URL-serialised (the authorize URL, a path from safeReturnTo,
 * our own route paths), so no further encoding is needed; Node refuses CR/LF in a header regardless.
 */
export function redirect(res: Response, location: string): void {
  res.statusCode = 302;
  res.setHeader("Location", location);
  res.setHeader("Content-Length", "0");
  res.end();
}
