// Bench server (a), the limit: express + express-session, a logged-in session, no auth middleware on /api/ping.
"use strict";
const express = require("express");
const { pitchlyAuth } = require("express-pitchly");
const { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, countingStore, ping, renderError, serve, mockUrl } = require("./common.cjs");

function build() {
  const auth = pitchlyAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, baseUrl: mockUrl() });
  const counting = countingStore();
  const app = express();
  app.get("/healthz", (_req, res) => res.send("ok"));
  app.use(counting.sessionMiddleware);
  // The router only sees /auth/*, so the session is a real express-pitchly login (same size as (b)'s)
  // while /api/ping runs no express-pitchly code at all.
  app.use((req, res, next) => (req.path.startsWith("/auth/") ? auth.router(req, res, next) : next()));
  app.get("/api/ping", ping);
  app.use(renderError);
  return { app, counting, commands: {} };
}

module.exports = { build };
if (require.main === module) {
  const { app, counting, commands } = build();
  serve(app, counting, commands);
}
