// Bench server (b): express + express-session + express-pitchly, GET /api/ping behind requirePitchlyToken().
"use strict";
const express = require("express");
const { randomBytes } = require("node:crypto");
const expressPitchly = require("express-pitchly");
const { pitchlyAuth } = expressPitchly;
const { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, countingStore, ping, renderError, serve, mockUrl } = require("./common.cjs");

/**
 * BENCH_STORE=redis|redis-encrypted (BENCH_REDIS_URL) or postgres|postgres-encrypted (BENCH_POSTGRES_URL): the
 * grant lives in that token store (RedisTokenStore + RedisLock; PostgresTokenStore is its own lock), and
 * *-encrypted wraps it in EncryptedTokenStore with one random 32-byte key. Unset: tokens in the session.
 */
async function tokenStoreOptions() {
  const kind = process.env.BENCH_STORE;
  if (!kind) return { options: {}, close: async () => {} };
  const [backend, encrypted] = kind.split("-");
  if (!["redis", "postgres"].includes(backend) || ![undefined, "encrypted"].includes(encrypted))
    throw new Error(`BENCH_STORE=${kind}: expected redis, redis-encrypted, postgres or postgres-encrypted`);
  const wrap = (store) =>
    encrypted ? new expressPitchly.EncryptedTokenStore(store, { keys: [{ id: "bench", key: randomBytes(32) }] }) : store;
  if (backend === "redis") {
    const { createClient } = require("redis");
    const client = createClient({ url: process.env.BENCH_REDIS_URL, disableOfflineQueue: true });
    client.on("error", (err) => console.error(`bench redis client: ${err.message}`));
    await client.connect();
    return {
      options: {
        tokenStore: wrap(new expressPitchly.RedisTokenStore({ client })),
        lock: new expressPitchly.RedisLock({ client }),
      },
      close: () => client.quit(),
    };
  }
  const pg = require("pg");
  const pool = new pg.Pool({
    connectionString: process.env.BENCH_POSTGRES_URL,
    connectionTimeoutMillis: 10_000,
    query_timeout: 10_000,
  });
  pool.on("error", (err) => console.error(`bench pg pool: ${err.message}`));
  return { options: { tokenStore: wrap(new expressPitchly.PostgresTokenStore({ pool })) }, close: () => pool.end() };
}

/** `store`: what tokenStoreOptions() resolved (the in-process benches call build() with none: tokens in the session). */
function build(store = { options: {}, close: async () => {} }) {
  const { tokenStore } = store.options;
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    baseUrl: mockUrl(),
    ...store.options,
  });
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
     * session through the store (the grant lives at session.pitchly.tokens), or the grant through the
     * token store (BENCH_STORE: the session holds only its grantKey). Not counted as a write.
     */
    async expire({ sids }) {
      for (const sid of sids) {
        const sess = await counting.get(sid);
        if (tokenStore) {
          const grantKey = sess?.pitchly?.grantKey;
          const tokens = grantKey && (await tokenStore.get(grantKey));
          if (!tokens) throw new Error(`session ${sid} has no grant in the token store`);
          await tokenStore.set(grantKey, { ...tokens, expiresAt: Date.now() - 1000 });
          continue;
        }
        if (!sess?.pitchly?.tokens) throw new Error(`session ${sid} holds no Pitchly tokens`);
        sess.pitchly.tokens.expiresAt = Date.now() - 1000;
        await counting.rawSet(sid, sess);
      }
      return sids.length;
    },
  };
  return { app, counting, commands, close: store.close };
}

module.exports = { build };
if (require.main === module) {
  tokenStoreOptions().then(
    (store) => {
      const { app, counting, commands } = build(store);
      serve(app, counting, commands);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
