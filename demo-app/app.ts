// createApp(config): the DealDesk demo, using express-pitchly exactly as its README tells users to.
import path from "node:path";
import express, { type Express } from "express";
import session from "express-session";
import pino from "pino";
import { pitchlyAuth, type PitchlyAuth } from "express-pitchly";
import type { DemoConfig } from "./config";
import { errorHandler, notFound } from "./errors";
import { requestLogger } from "./logging";
import { profileRoutes } from "./routes/profile";
import { spaRoutes } from "./routes/spa";
import { sameOriginPosts, securityHeaders } from "./security";
import { isSignedIn, startPanel } from "./token-panel";
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
  app.use(securityHeaders(https));
  app.use("/assets/pitchly-browser", express.static(config.browserAssetsDir ?? DEFAULT_BROWSER_DIR, { index: false }));
  app.use("/assets", express.static(PUBLIC_DIR, { index: false }));

  app.use(
    session({
      name: "dealdesk.sid",
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      // MemoryStore is for development; use a real store (Redis, Postgres…) in production.
      cookie: { httpOnly: true, sameSite: "lax", secure: https },
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
    successRedirect: "/profile",
    logger,
    onLogin: ({ req }) => startPanel(req),
  });
  app.use(auth.router);

  app.get("/", (req, res) => {
    res.type("html").send(renderHome({ signedIn: isSignedIn(req), pitchlyLabel: config.pitchlyLabel, local: config.expireAccessTokens !== undefined }));
  });
  app.use(profileRoutes(auth, config));
  app.use(spaRoutes(config));

  app.use(notFound);
  app.use(errorHandler(logger, { pitchlyLabel: config.pitchlyLabel, signedIn: false }));
  return { app, auth, appUrl };
}
