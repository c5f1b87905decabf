// POST logout: forget the grant (session and store) and renew the session; cross-site posts refused.
import type { NextFunction, Request, Response } from "express";
import type { Core } from "../core";
import { endGrant } from "../end-grant";
import { redirect } from "../redirect";
import { sessionGrant } from "../grant-backend";
import { regenerateSession, requireSession } from "../session-access";
import { isCrossSite } from "./same-origin";

export function createLogoutHandler(core: Core) {
  return async function pitchlyLogout(req: Request, res: Response, next: NextFunction) {
    try {
      // A forged logout is a nuisance, and the same check keeps the route from being a CSRF gadget.
      if (isCrossSite(req, core.appOrigin)) {
        core.logger.warn("refused a cross-site logout");
        res.status(403).json({ error: "cross_site_request" });
        return;
      }
      const session = requireSession(req);
      const record = sessionGrant(session, core.registry);
      if (record) await endGrant(core, session, record.grantKey);
      delete session.pitchly;
      await regenerateSession(session);
      core.logger.info("user signed out");
      redirect(res, "/");
    } catch (err) {
      next(err);
    }
  };
}
