// requirePitchlyToken(): guarantees a usable access token on req.pitchly before the handler runs.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Core } from "./core";
import { PitchlyAuthError, isPitchlyAuthError } from "./errors";
import { sessionGrant } from "./grant-backend";
import { redirect } from "./redirect";
import { safeReturnTo } from "./return-to";
import { requireSession, type SessionWithPitchly } from "./session-access";

export interface RequirePitchlyTokenOptions {
  /** Send page requests (GET, Accept: text/html) to the login route instead of a 401. Default `true`. */
  redirectToLogin?: boolean;
}

export function sendLoginRequired(core: Core, req: Request, res: Response, redirectToLogin: boolean): void {
  if (redirectToLogin && req.method === "GET" && req.accepts(["json", "html"]) === "html") {
    redirect(res, core.loginUrl(safeReturnTo(req.originalUrl)));
    return;
  }
  res.status(401).json({ error: "login_required" });
}

export function sendUnavailable(res: Response, err: PitchlyAuthError): void {
  res.setHeader("Retry-After", String(err.retryAfter ?? 5));
  res.status(503).json({ error: "pitchly_unavailable" });
}

export function createRequirePitchlyToken(core: Core) {
  return function requirePitchlyToken(opts: RequirePitchlyTokenOptions = {}): RequestHandler {
    const redirectToLogin = opts.redirectToLogin ?? true;
    const leewayMs = core.options.refreshLeewaySeconds * 1000;

    // The common case (session-held token, still fresh) stays synchronous: no promise, no microtask.
    function requirePitchlyTokenMiddleware(req: Request, res: Response, next: NextFunction): void {
      const session = (req as { session?: SessionWithPitchly }).session;
      if (!core.store && session) {
        const record = sessionGrant(session, core.registry);
        const tokens = record?.tokens;
        if (record && tokens && tokens.expiresAt - leewayMs > Date.now()) {
          req.pitchly = core.clientFor(record.grantKey, core.backendFor(session, record.grantKey), tokens);
          return next();
        }
      }
      void ensureToken(req, res, next);
    }

    async function ensureToken(req: Request, res: Response, next: NextFunction): Promise<void> {
      try {
        const session = requireSession(req);
        const record = sessionGrant(session, core.registry);
        if (!record) return sendLoginRequired(core, req, res, redirectToLogin);
        const backend = core.backendFor(session, record.grantKey);
        let tokens = await backend.read();
        if (!tokens) return sendLoginRequired(core, req, res, redirectToLogin);
        if (tokens.expiresAt - leewayMs <= Date.now()) {
          tokens = await core.clientDeps.refresher.refresh(record.grantKey, backend, tokens.accessToken);
          // Persist the rotation now: the handler may run long, and the old refresh token is already dead.
          await backend.persist();
        }
        req.pitchly = core.clientFor(record.grantKey, backend, tokens);
        next();
      } catch (err) {
        if (isPitchlyAuthError(err, "login_required") || isPitchlyAuthError(err, "refresh_rejected")) {
          return sendLoginRequired(core, req, res, redirectToLogin);
        }
        if (isPitchlyAuthError(err, "pitchly_unavailable")) return sendUnavailable(res, err);
        next(err);
      }
    }

    return requirePitchlyTokenMiddleware;
  };
}
