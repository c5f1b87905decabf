// Secure headers (helmet, with a CSP that fits http://localhost) and a same-origin check for the demo's own POSTs.
import type { RequestHandler } from "express";
import helmet from "helmet";
import { DemoError } from "./errors";

/**
 * Helmet's defaults, except that plain-http development must not be told to upgrade requests
 * or to remember HSTS; over https both stay on.
 */
export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { "upgrade-insecure-requests": https ? [] : null } },
    strictTransportSecurity: https,
  });
}

/** The SPA page's CSP: scripts from this origin only, fetches to this origin and to Pitchly's API. */
export function spaContentSecurityPolicy(connectOrigins: readonly string[], https: boolean): string {
  const connect = [...new Set(["'self'", ...connectOrigins])].join(" ");
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * Refuses POSTs another site made the browser send (sameSite=lax cookies are the other half).
 * Fetch Metadata first: with Referrer-Policy no-referrer, browsers send `Origin: null` on same-origin form posts.
 */
export function sameOriginPosts(appOrigin: string): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== "POST") return next();
    const site = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const crossSite =
      site === "cross-site" || site === "same-site" || (site !== "same-origin" && site !== "none" && origin !== undefined && origin !== appOrigin);
    next(crossSite ? new DemoError("cross_site_request", 403) : undefined);
  };
}
