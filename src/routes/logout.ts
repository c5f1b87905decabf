// POST logout: forget the grant (session and store) and renew the session; cross-site posts refused.
import type { NextFunction, Request, Response } from "express";
import type { Core } from "../core";
import { sessionGrant } from "../grant-backend";
import { regenerateSession, requireSession } from "../session-access";

export function createLogoutHandler(core: Core) {
  return async function pitchlyLogout(req: Request, res: Response, next: NextFunction) {
    try {
      const origin = req.get("origin");
      // Browsers send Origin on cross-site POSTs; a foreign one is a CSRF attempt, not a logout.
      if (origin !== undefined && origin !== core.appOrigin && origin !== `${req.protocol}://${req.get("host")}`) {
        res.status(403).json({ error: "cross_site_request" });
        return;
      }
      const session = requireSession(req);
      const record = sessionGrant(session, core.registry);
      if (record && core.store) {
        await core.store.delete(record.grantKey).catch((err: unknown) => {
          core.logger.warn({ err }, "could not delete the grant from the token store at logout");
        });
      }
      delete session.pitchly;
      await regenerateSession(session);
      core.logger.info("user signed out");
      res.redirect(302, "/");
    } catch (err) {
      next(err);
    }
  };
}
