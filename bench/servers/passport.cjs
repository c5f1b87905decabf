// Bench server (c): the same app protected the usual way, passport + passport-oauth2, token kept in the session.
"use strict";
const express = require("express");
const passport = require("passport");
const OAuth2Strategy = require("passport-oauth2");
const { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, countingStore, ping, renderError, serve, mockUrl } = require("./common.cjs");

function build() {
  const base = mockUrl();
  passport.use(
    "pitchly",
    new OAuth2Strategy(
      {
        authorizationURL: `${base}/oauth/authorize`,
        tokenURL: `${base}/oauth/token`,
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: REDIRECT_URI,
        state: true,
      },
      (accessToken, refreshToken, params, _profile, done) => {
        const expiresAt = Date.now() + Number(params.expires_in ?? 7200) * 1000;
        done(null, { id: "user-1", tokens: { accessToken, refreshToken, expiresAt, tokenType: params.token_type } });
      },
    ),
  );
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user, done) => done(null, user));

  /** What apps write: a deserialized user whose access token is still good (refresh left to the app). */
  function requireLogin(req, res, next) {
    if (req.isAuthenticated() && req.user.tokens.expiresAt - 60_000 > Date.now()) return next();
    res.status(401).json({ error: "login_required" });
  }

  const counting = countingStore();
  const app = express();
  app.get("/healthz", (_req, res) => res.send("ok"));
  app.use(counting.sessionMiddleware);
  app.use(passport.initialize());
  app.use(passport.session());
  app.get("/auth/pitchly/login", passport.authenticate("pitchly"));
  app.get("/auth/pitchly/callback", passport.authenticate("pitchly", { successRedirect: "/", failureRedirect: "/login-failed" }));
  app.get("/api/ping", requireLogin, ping);
  app.use(renderError);
  return { app, counting, commands: {} };
}

module.exports = { build };
if (require.main === module) {
  const { app, counting, commands } = build();
  serve(app, counting, commands);
}
