// The Router users mount: an express.Router with login, callback and logout, never cached.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { skipForeignPaths } from "./dispatch-shortcut";
import { allowPlatformFrame } from "./frame-headers";
import { createCallbackHandler, type CallbackDeps } from "./routes/callback";
import { createLoginHandler, type LoginDeps } from "./routes/login";
import { createLogoutHandler, type LogoutDeps } from "./routes/logout";

export interface RouterDeps {
  routes: { login: string; callback: string; logout: string };
  login: LoginDeps;
  callback: CallbackDeps;
  logout: LogoutDeps;
  /** Plugin mode: the platform origin allowed to frame the auth routes. */
  platformOrigin?: string | undefined;
}

function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  // The callback URL carries the code: no page rendered at it (errors included) may pass it on as a Referer.
  res.setHeader("Referrer-Policy", "no-referrer");
  next();
}

/**
 * No per-request hook for the app's other requests: stale writes are stopped in the session store
 * itself (session/session-write-guard), so the Router only dispatches its three routes, and lets
 * requests for other paths by without Express's dispatch (dispatch-shortcut).
 */
export function createRouter(deps: RouterDeps): Router {
  const router = Router();
  const headers: RequestHandler[] = [noStore];
  if (deps.platformOrigin !== undefined) headers.push(allowPlatformFrame(deps.platformOrigin));
  router.get(deps.routes.login, ...headers, createLoginHandler(deps.login));
  router.get(deps.routes.callback, ...headers, createCallbackHandler(deps.callback));
  router.post(deps.routes.logout, ...headers, createLogoutHandler(deps.logout));
  skipForeignPaths(router, [deps.routes.login, deps.routes.callback, deps.routes.logout]);
  return router;
}
