// The Router users mount: login, callback and logout, never cached by browsers or proxies.
import { Router, type NextFunction, type Request, type Response } from "express";
import type { Core } from "./core";
import { checkEndpoints } from "./endpoint-self-check";
import { createCallbackHandler } from "./routes/callback";
import { createLoginHandler } from "./routes/login";
import { createLogoutHandler } from "./routes/logout";
import { sessionGrant } from "./grant-backend";
import { checkSessionSetup } from "./session-self-check";
import type { SessionWithPitchly } from "./session-access";

function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  // The callback URL carries the code: no page rendered at it (errors included) may pass it on as a Referer.
  res.setHeader("Referrer-Policy", "no-referrer");
  next();
}

export function createRouter(core: Core): Router {
  const { routes } = core.options;
  const router = Router();
  checkEndpoints(core.options.redirectUri, core.endpoints, core.logger);
  let sessionCheckPending = true;
  // Every request through the app gets its grant record wrapped, so even a handler that never
  // touches Pitchly saves the newest rotation instead of the one it loaded (see rotation-registry).
  router.use(function pitchlySessionGuard(req: Request, _res: Response, next: NextFunction) {
    const session = (req as { session?: SessionWithPitchly }).session;
    if (session && sessionCheckPending) {
      sessionCheckPending = false;
      checkSessionSetup(req, core.logger);
    }
    if (session?.pitchly) sessionGrant(session, core.registry);
    next();
  });
  router.get(routes.login, noStore, createLoginHandler(core));
  router.get(routes.callback, noStore, createCallbackHandler(core));
  router.post(routes.logout, noStore, createLogoutHandler(core));
  return router;
}
