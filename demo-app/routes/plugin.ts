// DealDesk as a Pitchly plugin: the framed panel, and the record Pitchly's selection points at, read as the user.
import { Router, type Request, type Response } from "express";
import type { PitchlyAuth } from "express-pitchly";
import type { DemoConfig, PluginConfig } from "../config";
import { loadIdentity, loadRecord } from "../pitchly-queries";
import { isSignedIn, observeToken, panelView } from "../token-panel";
import { renderPluginPage, renderPluginSignIn } from "../views/plugin";

const PITCHLY_ID = /^[A-Za-z0-9_-]{1,64}$/;

function noStore(res: Response): void {
  res.setHeader("Cache-Control", "no-store");
}

function idParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === "string" && PITCHLY_ID.test(value) ? value : undefined;
}

export function pluginRoutes(auth: PitchlyAuth, config: DemoConfig, plugin: PluginConfig): Router {
  const router = Router();
  const common = {
    platformOrigin: plugin.platformOrigin,
    pitchlyLabel: config.pitchlyLabel,
    canExpire: config.expireAccessTokens !== undefined,
  };

  router.get(
    "/plugin",
    (req, res, next) => {
      if (isSignedIn(req)) return next();
      noStore(res);
      res.type("html").send(renderPluginSignIn(common));
    },
    auth.requirePitchlyToken(),
    async (req, res, next) => {
      try {
        observeToken(req);
        const identity = await loadIdentity(req.pitchly, config.platform);
        observeToken(req);
        noStore(res);
        res.type("html").send(renderPluginPage({ ...common, identity, panel: panelView(req) }));
      } catch (err) {
        next(err);
      }
    },
  );

  // The ids come from Pitchly's postMessage, i.e. from the browser: checked like any input, and the API call runs as the user.
  router.get("/plugin/record", auth.requirePitchlyToken({ redirectToLogin: false }), async (req, res, next) => {
    const tableId = idParam(req, "table");
    const recordId = idParam(req, "record");
    if (tableId === undefined || recordId === undefined) {
      res.status(400).json({ error: "bad_ids" });
      return;
    }
    try {
      observeToken(req);
      const record = await loadRecord(req.pitchly, tableId, recordId);
      observeToken(req);
      noStore(res);
      res.status(record ? 200 : 404).json({ record: record ?? null, panel: panelView(req) });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
