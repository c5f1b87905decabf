// Warns once, through our logger, about session settings that break Pitchly sign-in or weaken it in production.
import type { Request } from "express";
import type { Logger } from "pino";
import { PITCHLY_WARNINGS } from "../errors";
import { checkPluginSession, type PluginCookieView } from "./plugin-self-check";

interface CookieView extends PluginCookieView {
  httpOnly?: unknown;
}

interface SessionRequest {
  session?: { cookie?: CookieView };
  sessionStore?: { constructor?: { name?: string } };
}

/**
 * express-session does not expose its options, but each request carries their effect: the session's
 * cookie, the app's trust proxy setting and the store. It runs on the first request our router or
 * middleware sees with a new session store, and never again, so it costs nothing on the hot path.
 */
export function checkSessionSetup(req: Request, logger: Logger, plugin = false): void {
  const { session, sessionStore } = req as unknown as SessionRequest;
  const cookie = session?.cookie;
  if (!cookie) return;
  if (cookie.sameSite === "strict" || cookie.sameSite === true) {
    logger.warn(
      { code: PITCHLY_WARNINGS.SESSION_SAMESITE_STRICT },
      "session cookie has sameSite 'strict': Pitchly's redirect back to the callback is a cross-site navigation, so the browser will not send the cookie and every sign-in will fail with state_mismatch; use sameSite: 'lax'",
    );
  }
  // req.secure covers TLS on the socket and a trusted proxy's https; express-session asks the same question.
  const tls = req.secure || (req.socket as { encrypted?: boolean }).encrypted === true;
  if (cookie.secure === true && !tls && !req.app.get("trust proxy")) {
    logger.warn(
      { code: PITCHLY_WARNINGS.SESSION_SECURE_WITHOUT_TRUST_PROXY },
      "session cookie is secure but Express does not trust a proxy (app.set('trust proxy', …)): behind a TLS-terminating proxy express-session will never set the cookie and sign-in will fail; set trust proxy to your proxy hop count",
    );
  }
  if (cookie.httpOnly === false) {
    logger.warn(
      { code: PITCHLY_WARNINGS.SESSION_NOT_HTTPONLY },
      "session cookie is not httpOnly: any script injected into a page can steal the signed-in session; leave httpOnly: true",
    );
  }
  if (plugin) checkPluginSession(req, cookie, logger);
  if (process.env.NODE_ENV === "production" && sessionStore?.constructor?.name === "MemoryStore") {
    logger.warn(
      { code: PITCHLY_WARNINGS.SESSION_MEMORY_STORE },
      "express-session's MemoryStore in production: sessions (and the Pitchly tokens in them) vanish on restart and are not shared between processes; use a real store (Redis, Postgres…)",
    );
  }
}
