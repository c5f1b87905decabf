// Warns once about session settings that keep the sign-in from working inside Pitchly's plugin iframe.
import type { Request } from "express";
import type { Logger } from "pino";
import { PITCHLY_WARNINGS } from "../errors";

export interface PluginCookieView {
  sameSite?: unknown;
  secure?: unknown;
  partitioned?: unknown;
}

/**
 * Inside Pitchly's iframe every request to the app is a third-party one: only a cookie marked
 * SameSite=None (which browsers accept only when Secure) is sent, and where third-party cookies are
 * blocked only a Partitioned one survives. Each missing attribute gets its own code.
 */
export function checkPluginSession(req: Request, cookie: PluginCookieView, logger: Logger): void {
  if (cookie.sameSite !== "none") {
    logger.warn(
      { code: PITCHLY_WARNINGS.PLUGIN_COOKIE_NOT_SAMESITE_NONE, sameSite: cookie.sameSite ?? null },
      "plugin: the session cookie is not sameSite 'none': inside Pitchly's iframe the app is a third-party site, the browser never sends the cookie, and every sign-in fails with state_mismatch; set cookie: { sameSite: 'none', secure: true, partitioned: true }",
    );
  }
  if (cookie.secure !== true) {
    logger.warn(
      { code: PITCHLY_WARNINGS.PLUGIN_COOKIE_NOT_SECURE },
      "plugin: the session cookie is not secure on this request: browsers reject a sameSite 'none' cookie without Secure; set cookie.secure: true and serve over https (trust proxy behind a proxy)",
    );
  }
  if (cookie.partitioned !== true) {
    logger.warn(
      { code: PITCHLY_WARNINGS.PLUGIN_COOKIE_NOT_PARTITIONED },
      "plugin: the session cookie is not partitioned: browsers that block third-party cookies drop it inside Pitchly's iframe; set cookie.partitioned: true (express-session >= 1.18)",
    );
  }
  const forwardedHttps = /^\s*https\b/i.test(req.get("x-forwarded-proto") ?? "");
  if (forwardedHttps && !req.secure && !req.app.get("trust proxy")) {
    logger.warn(
      { code: PITCHLY_WARNINGS.PLUGIN_TRUST_PROXY_UNSET },
      "plugin: the request came through a TLS-terminating proxy (X-Forwarded-Proto: https) but Express does not trust it: req.secure is false, so express-session never sets the Secure cookie the iframe needs; app.set('trust proxy', 1) (your hop count)",
    );
  }
}
