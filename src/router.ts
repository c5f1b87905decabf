// The Router users mount: login, callback and logout, never cached by browsers or proxies.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
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

/** Express matches our routes case-insensitively and with an optional trailing slash; so do we. */
function routeKey(url: string): string {
  const end = url.indexOf("?");
  const path = (end === -1 ? url : url.slice(0, end)).toLowerCase();
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

export function createRouter(core: Core): Router {
  const { routes } = core.options;
  const router = Router();
  checkEndpoints(core.options.redirectUri, core.endpoints, core.logger);
  let sessionCheckPending = true;

  // Every request through the app gets its grant record wrapped, so even a handler that never
  // touches Pitchly saves the newest rotation instead of the one it loaded (see rotation-registry).
  function pitchlySessionGuard(req: Request): void {
    const session = (req as { session?: SessionWithPitchly }).session;
    if (session && sessionCheckPending) {
      sessionCheckPending = false;
      checkSessionSetup(req, core.logger);
    }
    if (session?.pitchly) sessionGrant(session, core.registry);
  }

  router.get(routes.login, noStore, createLoginHandler(core));
  router.get(routes.callback, noStore, createCallbackHandler(core));
  router.post(routes.logout, noStore, createLogoutHandler(core));

  // Requests for the app's own paths skip the Router's dispatch, which costs several µs on every
  // request of the app (bench/RESULTS.md); they only need the guard.
  const ownRoutes = new Set([routes.login, routes.callback, routes.logout].map(routeKey));
  const dispatch = (router as unknown as { handle: RequestHandler }).handle;
  (router as unknown as { handle: RequestHandler }).handle = function pitchlyRouter(req, res, next) {
    pitchlySessionGuard(req);
    if (!ownRoutes.has(routeKey(req.url))) return next();
    return dispatch.call(this, req, res, next);
  };
  return router;
}
