// POST logout: end the grant (session, store and stale saves), renew the session; cross-site posts refused.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import type { SessionTokens } from "../../session/session-tokens";
import { redirect } from "../redirect";
import { isCrossSite } from "../same-origin";

export interface LogoutDeps {
  tokens: SessionTokens;
  /** The app's own origin (from redirectUri), never from the Host header. */
  appOrigin: string;
  logger: Logger;
  check(req: Request): void;
}

export function createLogoutHandler(deps: LogoutDeps) {
  return async function pitchlyLogout(req: Request, res: Response, next: NextFunction) {
    try {
      deps.check(req);
      // A forged logout is a nuisance, and the same check keeps the route from being a CSRF gadget.
      if (isCrossSite(req, deps.appOrigin)) {
        deps.logger.warn({ errorCode: "cross_site_request" }, "refused a cross-site logout");
        res.status(403).json({ error: "cross_site_request" });
        return;
      }
      await deps.tokens.signOut(req);
      deps.logger.info("user signed out");
      redirect(res, "/");
    } catch (err) {
      next(err);
    }
  };
}
