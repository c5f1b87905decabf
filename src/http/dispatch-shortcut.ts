// Lets the app's own requests pass our Router without its dispatch, which costs ~4 µs each (bench/RESULTS.md).
import type { NextFunction, Request, Response, Router } from "express";

type Dispatch = (req: Request, res: Response, next: NextFunction) => void;

// Characters path-to-regexp (0.1 under Express 4, 8 under Express 5) reads literally and browsers never encode.
const UNRESERVED = /^[A-Za-z0-9\-._~/]+$/;
const [SLASH, QUESTION, HASH, SPACE, DEL, UPPER_A, UPPER_Z] = [47, 63, 35, 32, 127, 65, 90];

/**
 * A Router built with `Router()` matches a plain route only on a pathname equal to it but for case and
 * one trailing slash, so a pathname that does not end with one of them (case-folded, trailing slashes
 * aside) can match none of them. This is a filter, not a second matcher: every other request, and every
 * request once the app added its own layers to the Router, goes through Express's dispatch unchanged.
 */
export function skipForeignPaths(router: Router, paths: readonly string[]): void {
  if (!paths.every((path) => UNRESERVED.test(path))) return;
  const tails = paths.map((path) => path.toLowerCase().replace(/\/+$/, ""));
  const layers = router.stack.length;
  const target = router as unknown as { handle: Dispatch };
  const dispatch = target.handle;

  target.handle = function pitchlyRouterDispatch(this: unknown, req, res, next) {
    if (router.stack.length === layers) {
      // req.url, not the req.path getter: on a request object V8 has never seen the shape of, that
      // getter's lookup through the prototype chain alone costs about a µs.
      const url = req.url;
      const end = pathnameEnd(url);
      if (end !== -1 && !tails.some((tail) => endsWithFolded(url, end, tail))) return next();
    }
    dispatch.call(this, req, res, next);
  };
}

/**
 * Where the pathname Express's routers match on ends (parseurl's fast path: up to the first `?`), or -1
 * for any URL parseurl would hand to `url.parse` instead (not starting with `/`, whitespace, `#`, or
 * anything outside printable ASCII): those always take Express's dispatch.
 */
function pathnameEnd(url: unknown): number {
  if (typeof url !== "string" || url.charCodeAt(0) !== SLASH) return -1;
  let end = -1;
  for (let i = 1; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === QUESTION) end = end === -1 ? i : end;
    else if (code <= SPACE || code === HASH || code >= DEL) return -1;
  }
  return end === -1 ? url.length : end;
}

/**
 * Neither path-to-regexp sets the `u` flag, so `i` folds ASCII letters only (ES Canonicalize): an
 * ASCII comparison is exact here, and it allocates nothing on the request's way through.
 */
function endsWithFolded(url: string, end: number, tail: string): boolean {
  while (end > 0 && url.charCodeAt(end - 1) === SLASH) end--;
  const start = end - tail.length;
  if (start < 0) return false;
  for (let i = 0; i < tail.length; i++) {
    const code = url.charCodeAt(start + i);
    if ((code >= UPPER_A && code <= UPPER_Z ? code + 32 : code) !== tail.charCodeAt(i)) return false;
  }
  return true;
}
