// Plugin mode: the auth routes' own frame-ancestors, and a one-time look at whether the app's pages may be framed.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { PITCHLY_WARNINGS } from "../errors";

/** The header the auth routes send: only the app itself and Pitchly may frame them. */
export function frameAncestors(platformOrigin: string): string {
  return `frame-ancestors 'self' ${platformOrigin}`;
}

/**
 * The sign-in must load in Pitchly's frame: the frame-ancestors of a policy helmet (or the app) set before the
 * router is replaced, its other directives kept (an error page rendered here keeps its script-src), and
 * X-Frame-Options, which cannot name another origin, removed.
 */
export function allowPlatformFrame(platformOrigin: string) {
  const directive = frameAncestors(platformOrigin);
  return function allowPlatformFrameMiddleware(_req: Request, res: Response, next: NextFunction): void {
    const policies = headerValues(res.getHeader("content-security-policy"));
    const rewritten = policies.map((policy) => {
      const kept = policy
        .split(";")
        .map((d) => d.trim())
        .filter((d) => d !== "" && !/^frame-ancestors(\s|$)/i.test(d));
      return [...kept, directive].join("; ");
    });
    res.setHeader("Content-Security-Policy", rewritten.length > 0 ? rewritten : directive);
    res.removeHeader("X-Frame-Options");
    next();
  };
}

function headerValues(value: number | string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [String(value)]).flatMap((v) => v.split(","));
}

// One CSP source expression against the platform origin (CSP3 §6.7.2.5, the cases real policies use).
function sourceAllows(source: string, origin: URL): boolean {
  const s = source.toLowerCase();
  if (s === "*") return origin.protocol === "https:" || origin.protocol === "http:";
  if (s === origin.protocol || s === `${origin.protocol}//`) return true;
  const match = /^(?:(https?):\/\/)?(\*\.)?([^/:]+)(?::(\d+|\*))?\/?$/.exec(s);
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match;
  if (scheme !== undefined && `${scheme}:` !== origin.protocol && !(scheme === "http" && origin.protocol === "https:"))
    return false;
  const hostOk = wildcard ? origin.hostname.endsWith(`.${host ?? ""}`) : origin.hostname === host;
  const defaultPort = origin.protocol === "https:" ? "443" : "80";
  const portOk = port === "*" || (port ?? defaultPort) === (origin.port || defaultPort);
  return hostOk && portOk;
}

/** Why the response would not load inside Pitchly's frame, or undefined when it would. */
export function framingProblem(res: Response, platformOrigin: string): { code: string; found: string } | undefined {
  const origin = new URL(platformOrigin);
  const policies = headerValues(res.getHeader("content-security-policy"));
  let sawFrameAncestors = false;
  for (const policy of policies) {
    const directive = policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .find(([name]) => name?.toLowerCase() === "frame-ancestors");
    if (!directive) continue;
    sawFrameAncestors = true;
    // Every policy must allow the frame; one that does not is enough to block it.
    if (!directive.slice(1).some((source) => sourceAllows(source, origin))) {
      return { code: PITCHLY_WARNINGS.PLUGIN_FRAME_ANCESTORS, found: directive.join(" ") };
    }
  }
  // Browsers ignore X-Frame-Options when a frame-ancestors directive is present.
  if (sawFrameAncestors) return undefined;
  const xfo = headerValues(res.getHeader("x-frame-options")).map((v) => v.trim().toUpperCase());
  const blocking = xfo.find((v) => v === "DENY" || v === "SAMEORIGIN");
  return blocking === undefined
    ? undefined
    : { code: PITCHLY_WARNINGS.PLUGIN_X_FRAME_OPTIONS, found: `X-Frame-Options: ${blocking}` };
}

/**
 * Looks at the headers of the first response that passes requirePitchlyToken (headers helmet or the app
 * set, read once the response is done) and warns if they forbid Pitchly's frame. One flag test afterwards.
 */
export function createFrameCheck(platformOrigin: string, logger: Logger): (req: Request, res: Response) => void {
  let done = false;
  return (_req, res) => {
    if (done) return;
    done = true;
    res.once("finish", () => {
      const problem = framingProblem(res, platformOrigin);
      if (!problem) return;
      logger.warn(
        { code: problem.code, found: problem.found, platformOrigin },
        `plugin: the app's pages forbid Pitchly's frame (${problem.found}), so Pitchly will show an empty panel; allow it, e.g. helmet({ contentSecurityPolicy: { directives: { frameAncestors: ["'self'", "${platformOrigin}"] } }, frameguard: false })`,
      );
    });
  };
}
