// Lets the app's own requests pass our Router without its dispatch, which costs ~4 µs each (bench/RESULTS.md).
import type { NextFunction, Request, Response, Router } from "express";

type Dispatch = (req: Request, res: Response, next: NextFunction) => void;

// Characters path-to-regexp (0.1 under Express 4, 8 under Express 5) reads literally and browsers never encode.
const UNRESERVED = /^[A-Za-z0-9\-._~/]+$/;

/**
 * A Router built with `Router()` matches a plain route only on a path equal to it but for case and one
 * trailing slash, so a path that does not end with one of them (lowercased, trailing slashes aside) can
 * match none of them. This is a filter, not a second matcher: every other request, and every request
 * once the app added its own layers to the Router, goes through Express's dispatch unchanged.
 */
export function skipForeignPaths(router: Router, paths: readonly string[]): void {
  if (!paths.every((path) => UNRESERVED.test(path))) return;
  const tails = paths.map((path) => path.toLowerCase().replace(/\/+$/, ""));
  const layers = router.stack.length;
  const target = router as unknown as { handle: Dispatch };
  const dispatch = target.handle;

  target.handle = function pitchlyRouterDispatch(this: unknown, req, res, next) {
    if (router.stack.length === layers && !tails.some((tail) => endsWithFolded(req.path, tail))) return next();
    dispatch.call(this, req, res, next);
  };
}

/**
 * Neither path-to-regexp sets the `u` flag, so `i` folds ASCII letters only (ES Canonicalize): an
 * ASCII comparison is exact here, and it allocates nothing on the request's way through.
 */
function endsWithFolded(path: unknown, tail: string): boolean {
  if (typeof path !== "string") return true;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  const start = end - tail.length;
  if (start < 0) return false;
  for (let i = 0; i < tail.length; i++) {
    const code = path.charCodeAt(start + i);
    if ((code >= UPPER_A && code <= UPPER_Z ? code + 32 : code) !== tail.charCodeAt(i)) return false;
  }
  return true;
}

const SLASH = 47;
const UPPER_A = 65;
const UPPER_Z = 90;
