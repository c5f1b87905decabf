// pitchlyAuth(options): validates once, then hands out the router, the middleware and clientFor().
import type { RequestHandler, Router } from "express";
import { createCore } from "./core";
import { PitchlyConfigError } from "./errors";
import { StoreBackend } from "./grant-backend";
import type { PitchlyClient } from "./grant-client";
import { parseOptions, type PitchlyAuthOptions } from "./options";
import { createRequirePitchlyToken, type RequirePitchlyTokenOptions } from "./require-token";
import { createRouter } from "./router";
import type { TokenStore } from "./stores/token-store";
import "./express-augment";

export interface PitchlyAuth {
  /** Serves login, callback and logout; mount it with `app.use(router)` after express-session. */
  router: Router;
  /** Middleware that guarantees `req.pitchly` holds a fresh token before the handler runs. */
  requirePitchlyToken(opts?: RequirePitchlyTokenOptions): RequestHandler;
  /** A client for one grant outside any request (background jobs); needs `tokenStore`. */
  clientFor(grantKey: string): PitchlyClient;
  tokenStore: TokenStore | undefined;
}

export function pitchlyAuth(options: PitchlyAuthOptions): PitchlyAuth {
  const core = createCore(parseOptions(options));
  return {
    router: createRouter(core),
    requirePitchlyToken: createRequirePitchlyToken(core),
    clientFor(grantKey: string): PitchlyClient {
      if (!core.store) {
        throw new PitchlyConfigError([
          "tokenStore: clientFor() needs a server-side tokenStore (e.g. new SqliteTokenStore({ filename })); session-held tokens are out of reach outside a request",
        ]);
      }
      if (typeof grantKey !== "string" || grantKey.length === 0) throw new TypeError("clientFor(grantKey): grantKey must be a non-empty string");
      return core.clientFor(grantKey, new StoreBackend(core.store, grantKey));
    },
    tokenStore: core.store,
  };
}
