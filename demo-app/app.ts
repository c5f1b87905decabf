// createApp(config): the DealDesk demo, using express-pitchly exactly as its README tells users to.
import path from "node:path";
import express, { type Express } from "express";
import session from "express-session";
import pino from "pino";
import { pitchlyAuth, type PitchlyAuth } from "express-pitchly";
import type { DemoConfig } from "./config";
import { errorHandler, notFound } from "./errors";
import { requestLogger } from "./logging";
import { liveFeedRoutes } from "./routes/live-feed";
import { profileRoutes } from "./routes/profile";
import { spaRoutes } from "./routes/spa";
import { pluginRoutes } from "./routes/plugin";
import { localhostIsSecure, sameOriginPosts, securityHeaders } from "./security";
import { isSignedIn, recordRefresh, startPanel } from "./token-panel";
import { renderHome } from "./views/home";

export interface DemoApp {
  app: Express;
  auth: PitchlyAuth;
  /** The app's public origin, from the redirect URI, e.g. http://localhost:3000. */
  appUrl: string;
}

export const PUBLIC_DIR = path.join(__dirname, "public");
export const DEFAULT_BROWSER_DIR = path.resolve(__dirname, "..", "dist", "browser");

export function createApp(config: DemoConfig): DemoApp {
  const logger = config.logger ?? pino({ level: "silent" });
  const appUrl = new URL(config.redirectUri).origin;
  const https = appUrl.startsWith("https:");
  const app = express();
  // Behind a TLS-terminating proxy, req.secure (and so the secure cookie) depends on this.
  if (config.trustProxy !== undefined) app.set("trust proxy", config.trustProxy);

  app.use(requestLogger(logger));
  const plugin = config.plugin;
  app.use(securityHeaders(https, plugin?.platformOrigin));
  app.use("/assets/pitchly-browser", express.static(config.browserAssetsDir ?? DEFAULT_BROWSER_DIR, { index: false }));
  app.use("/assets", express.static(PUBLIC_DIR, { index: false }));

  // Inside Pitchly's iframe this app is a third-party site: only a SameSite=None (so Secure) cookie is sent,
  // and only a Partitioned one survives where third-party cookies are blocked.
  const pluginCookie = plugin?.cookie === "plugin";
  if (pluginCookie && !https) app.use(localhostIsSecure());
  app.use(
    session({
      name: "dealdesk.sid",
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      // MemoryStore is for development; use a real store (Redis, Postgres…) in production.
      cookie: pluginCookie
        ? { httpOnly: true, sameSite: "none", secure: true, partitioned: true }
        : { httpOnly: true, sameSite: "lax", secure: https },
    }),
  );
  app.use(sameOriginPosts(appUrl));

  const auth = pitchlyAuth({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    platform: config.platform,
    // The platform expects PKCE (the local Pitchly refuses a platform code without it).
    ...(config.platform === "platform" ? { pkce: true } : {}),
    ...config.endpoints,
    successRedirect: plugin ? "/plugin" : "/profile",
    ...(plugin && { plugin: { platformOrigin: plugin.platformOrigin } }),
    logger,
    onLogin: ({ req }) => startPanel(req),
    onRefresh: recordRefresh,
  });
  app.use(auth.router);

  // Signing out inside the frame lands on "/": the plugin instance's home is its panel.
  if (plugin) app.get("/", (_req, res) => res.redirect(303, "/plugin"));
  app.get("/", (req, res) => {
    res.type("html").send(
      renderHome({
        signedIn: isSignedIn(req),
        pitchlyLabel: config.pitchlyLabel,
        local: config.expireAccessTokens !== undefined,
      }),
    );
  });
  app.use(profileRoutes(auth, config));
  app.use(liveFeedRoutes(auth, config));
  app.use(spaRoutes(config));
  if (plugin) app.use(pluginRoutes(auth, config, plugin));

  app.use(notFound);
  app.use(errorHandler(logger, { pitchlyLabel: config.pitchlyLabel, signedIn: false }));
  return { app, auth, appUrl };
}
