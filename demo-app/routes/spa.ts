// GET /spa: the single-page app shell, with no referrer, no caching and a CSP allowing only this origin's scripts.
import { Router } from "express";
import type { DemoConfig } from "../config";
import { spaContentSecurityPolicy } from "../security";
import { isSignedIn } from "../token-panel";
import { renderSpa } from "../views/spa";

export function spaRoutes(config: DemoConfig): Router {
  const router = Router();
  const appUrl = new URL(config.redirectUri).origin;
  const https = appUrl.startsWith("https:");
  const endpoints = config.spa?.endpoints ?? config.endpoints;
  const apiOrigins = [endpoints.tokenUrl, endpoints.graphqlUrl].map((url) => new URL(url).origin);
  const csp = spaContentSecurityPolicy(apiOrigins, https);

  router.get("/spa", (req, res) => {
    // The fragment (implicit flow) or the query (PKCE) carries secrets: never leak them in a Referer, never cache the page.
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Security-Policy", csp);
    res.type("html").send(
      renderSpa({
        spa: config.spa,
        redirectUri: `${appUrl}/spa`,
        endpoints,
        platform: config.spa?.platform ?? config.platform,
        pitchlyLabel: config.pitchlyLabel,
        signedIn: isSignedIn(req),
      }),
    );
  });
  return router;
}
