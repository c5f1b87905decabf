// Secure headers (helmet, with a CSP that fits http://localhost) and a same-origin check for the demo's own POSTs.
import type { RequestHandler } from "express";
import helmet from "helmet";
import { DemoError } from "./errors";

/**
 * Helmet's defaults, except that plain-http development must not be told to upgrade requests
 * or to remember HSTS; over https both stay on. As a plugin, Pitchly (and only Pitchly) may frame the
 * pages: helmet's own frame-ancestors 'self' and X-Frame-Options: SAMEORIGIN would leave its panel empty.
 */
export function securityHeaders(https: boolean, platformOrigin?: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        "upgrade-insecure-requests": https ? [] : null,
        ...(platformOrigin !== undefined && { "frame-ancestors": ["'self'", platformOrigin] }),
      },
    },
    frameguard: platformOrigin === undefined,
    strictTransportSecurity: https,
  });
}

/**
 * express-session sets a Secure cookie only when req.secure. Chromium treats http://localhost as a secure
 * context and keeps Secure cookies there, so the plugin demo runs without certificates; in production the
 * app is on https (behind a proxy: trust proxy) and this is not used.
 */
export function localhostIsSecure(): RequestHandler {
  return (req, _res, next) => {
    if (req.hostname === "localhost") Object.defineProperty(req, "secure", { value: true });
    next();
  };
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
      site === "cross-site" ||
      site === "same-site" ||
      (site !== "same-origin" && site !== "none" && origin !== undefined && origin !== appOrigin);
    next(crossSite ? new DemoError("cross_site_request", 403) : undefined);
  };
}
