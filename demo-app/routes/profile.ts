// The profile page and its two buttons: "Expire my token now" (local Pitchly only) and "Call the API".
import { Router, type Request, type Response } from "express";
import type { PitchlyAuth } from "express-pitchly";
import type { DemoConfig } from "../config";
import { DemoError } from "../errors";
import { loadIdentity, loadTable, profileIdentity } from "../pitchly-queries";
import { markExpiredAtPitchly, observeToken, panelView } from "../token-panel";
import { clock } from "../views/html";
import { NOTICES, renderProfile } from "../views/profile";

/** fetch() from profile.js asks for JSON; a plain form post (no JavaScript) goes back to the page. */
function wantsJson(req: Request): boolean {
  return req.accepts(["html", "json"]) === "json";
}

function noStore(res: Response): void {
  res.setHeader("Cache-Control", "no-store");
}

export function profileRoutes(auth: PitchlyAuth, config: DemoConfig): Router {
  const router = Router();
  const requireToken = auth.requirePitchlyToken();

  router.get("/profile", requireToken, async (req, res, next) => {
    try {
      observeToken(req);
      // Who signed in, as Pitchly's identity query answered it once at login (req.pitchly.profile).
      const identity = profileIdentity(req.pitchly);
      const table = await loadTable(req.pitchly, config.platform);
      observeToken(req);
      const notice = typeof req.query.notice === "string" ? NOTICES[req.query.notice] : undefined;
      noStore(res);
      res.type("html").send(
        renderProfile({
          identity,
          table,
          panel: panelView(req),
          canExpire: config.expireAccessTokens !== undefined,
          calledAt: Date.now(),
          pitchlyLabel: config.pitchlyLabel,
          ...(notice !== undefined && { notice }),
        }),
      );
    } catch (err) {
      next(err);
    }
  });

  router.post("/profile/expire", requireToken, (req, res, next) => {
    if (!config.expireAccessTokens) return next(new DemoError("local_only", 404));
    observeToken(req);
    // The local Pitchly forgets the token's lifetime; this app still believes it has two hours left.
    config.expireAccessTokens();
    markExpiredAtPitchly(req);
    noStore(res);
    if (wantsJson(req)) {
      res.json({ panel: panelView(req), message: "Done: Pitchly now answers token-invalid to this token. Press Call the API." });
      return;
    }
    res.redirect(303, "/profile?notice=expired#token");
  });

  router.post("/profile/call-api", requireToken, async (req, res, next) => {
    try {
      const before = observeToken(req);
      const identity = await loadIdentity(req.pitchly, config.platform);
      const refreshed = observeToken(req) || before;
      noStore(res);
      if (!wantsJson(req)) {
        res.redirect(303, "/profile?notice=called#token");
        return;
      }
      const how = refreshed
        ? "Pitchly said token-invalid, so the app refreshed the token and retried, transparently."
        : "The token was still good: no refresh needed.";
      res.json({
        viewer: identity,
        refreshed,
        panel: panelView(req),
        message: `Called Pitchly at ${clock(Date.now())} as ${identity.name}. ${how}`,
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
