// requirePitchlyToken(): guarantees a usable access token on req.pitchly before the handler runs.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import { isFresh } from "../grant/freshness";
import { GrantClient, type GrantClientDeps } from "../grant/grant-client";
import { RETRY_AFTER_SECONDS } from "../pitchly/unavailable";
import { requireSession, type SessionRequest } from "../session/session-access";
import type { SessionTokens } from "../session/session-tokens";
import type { PitchlyProfile } from "../grant/profile";
import { redirect } from "./redirect";
import { safeReturnTo } from "./return-to";

export interface RequirePitchlyTokenOptions {
  /** Send page requests (GET, Accept: text/html) to the login route instead of a 401. Default `true`. */
  redirectToLogin?: boolean;
}

export interface RequireTokenDeps {
  tokens: SessionTokens;
  clientDeps: GrantClientDeps;
  /** The login route's URL for a redirect back to `returnTo`. */
  loginUrl(returnTo?: string): string;
  /** Runs the one-time session checks the first time a session store is seen. */
  onFirstRequest(req: Request): void;
  /** The profile kept at login for this grant. */
  profileOf(session: object, grantKey: string): PitchlyProfile | undefined;
  /** Plugin mode: looks once at the first protected response's framing headers. */
  frameCheck?: ((req: Request, res: Response) => void) | undefined;
}

function sendLoginRequired(deps: RequireTokenDeps, req: Request, res: Response, redirectToLogin: boolean): void {
  if (redirectToLogin && req.method === "GET" && req.accepts(["json", "html"]) === "html") {
    redirect(res, deps.loginUrl(safeReturnTo(req.originalUrl)));
    return;
  }
  res.status(401).json({ error: "login_required" });
}

function sendUnavailable(res: Response, err: PitchlyAuthError): void {
  res.setHeader("Retry-After", String(err.retryAfter ?? RETRY_AFTER_SECONDS));
  res.status(503).json({ error: "pitchly_unavailable" });
}

export function createRequirePitchlyToken(deps: RequireTokenDeps) {
  const { tokens, clientDeps } = deps;

  return function requirePitchlyToken(opts: RequirePitchlyTokenOptions = {}): RequestHandler {
    const redirectToLogin = opts.redirectToLogin ?? true;

    // The common case (session-held token, still fresh) stays synchronous: no promise, no microtask.
    function requirePitchlyTokenMiddleware(req: Request, res: Response, next: NextFunction): void {
      if (tokens.watch(req)) deps.onFirstRequest(req);
      deps.frameCheck?.(req, res);
      const session = (req as SessionRequest).session;
      const grant = session && tokens.current(session);
      if (session && grant?.tokens && isFresh(grant.tokens, clientDeps.leewayMs)) {
        req.pitchly = new GrantClient(
          clientDeps,
          grant.grantKey,
          tokens.backendFor(session, grant.grantKey),
          grant.tokens,
          deps.profileOf(session, grant.grantKey),
        );
        return next();
      }
      void ensureToken(req, res, next);
    }

    async function ensureToken(req: Request, res: Response, next: NextFunction): Promise<void> {
      try {
        const session = requireSession(req);
        const grant = tokens.current(session);
        if (!grant) return sendLoginRequired(deps, req, res, redirectToLogin);
        const backend = tokens.backendFor(session, grant.grantKey);
        let current = await backend.read();
        if (!current) return sendLoginRequired(deps, req, res, redirectToLogin);
        if (!isFresh(current, clientDeps.leewayMs)) {
          current = await clientDeps.refresher.refresh(grant.grantKey, backend, current.accessToken);
          // Persist the rotation now: the handler may run long, and the old refresh token is already dead.
          await backend.persist();
        }
        req.pitchly = new GrantClient(clientDeps, grant.grantKey, backend, current, deps.profileOf(session, grant.grantKey));
        next();
      } catch (err) {
        if (isPitchlyAuthError(err, "login_required") || isPitchlyAuthError(err, "refresh_rejected")) {
          return sendLoginRequired(deps, req, res, redirectToLogin);
        }
        if (isPitchlyAuthError(err, "pitchly_unavailable")) return sendUnavailable(res, err);
        next(err);
      }
    }

    return requirePitchlyTokenMiddleware;
  };
}
