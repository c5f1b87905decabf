// Bench server (b): express + express-session + express-pitchly, GET /api/ping behind requirePitchlyToken().
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
  app.use(auth.router);
  app.get("/api/ping", auth.requirePitchlyToken(), ping);
  app.use(renderError);

  const commands = {
    /**
     * Bench-only: make these sessions' access tokens "just expired" by rewriting the stored
     * session through the store (the grant lives at session.pitchly.tokens). Not counted as a write.
     */
    async expire({ sids }) {
      for (const sid of sids) {
        const sess = await counting.get(sid);
        if (!sess?.pitchly?.tokens) throw new Error(`session ${sid} holds no Pitchly tokens`);
        sess.pitchly.tokens.expiresAt = Date.now() - 1000;
        await counting.rawSet(sid, sess);
      }
      return sids.length;
    },
  };
  return { app, counting, commands };
}

module.exports = { build };
if (require.main === module) {
  const { app, counting, commands } = build();
  serve(app, counting, commands);
}
