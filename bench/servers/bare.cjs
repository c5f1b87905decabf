// Sign-in floor for the in-process login phase: express + express-session and a hand-written code flow, nothing more.
"use strict";
const http = require("node:http");
const { randomBytes, timingSafeEqual } = require("node:crypto");
const express = require("express");
const { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, countingStore, ping, renderError, mockUrl } = require("./common.cjs");

const found = (res, location) => {
  res.statusCode = 302;
  res.setHeader("Location", location);
  res.end();
};

/** POST the code to the token endpoint over a keep-alive socket; resolves to the parsed JSON answer. */
function exchange(agent, tokenUrl, code) {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  }).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      tokenUrl,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
            : reject(new Error(`token endpoint answered ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function build() {
  const base = mockUrl();
  const agent = new http.Agent({ keepAlive: true });
  const counting = countingStore();
  const app = express();
  app.use(counting.sessionMiddleware);
  app.get("/auth/pitchly/login", (req, res, next) => {
    const state = randomBytes(32).toString("base64url");
    req.session.oauthState = state;
    const q = new URLSearchParams({ response_type: "code", client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state });
    req.session.save((err) => (err ? next(err) : found(res, `${base}/oauth/authorize?${q}`)));
  });
  app.get("/auth/pitchly/callback", async (req, res, next) => {
    try {
      const expected = Buffer.from(String(req.session.oauthState ?? ""));
      const got = Buffer.from(String(req.query.state ?? ""));
      delete req.session.oauthState;
      if (expected.length === 0 || expected.length !== got.length || !timingSafeEqual(expected, got))
        return res.status(403).end();
      const answer = await exchange(agent, `${base}/oauth/token`, String(req.query.code));
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.tokens = {
          accessToken: answer.access_token,
          refreshToken: answer.refresh_token,
          expiresAt: Date.now() + answer.expires_in * 1000,
        };
        req.session.save((e) => (e ? next(e) : found(res, "/")));
      });
    } catch (err) {
      next(err);
    }
  });
  app.get("/api/ping", (req, res, next) => (req.session.tokens ? next() : res.status(401).end()), ping);
  app.use(renderError);
  return { app, counting, commands: {} };
}

module.exports = { build };
