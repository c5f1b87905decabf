// Three app processes behind one Redis: a refresh storm redeems each single-use refresh token exactly once.
import { createClient } from "redis";
import { RedisTokenStore } from "express-pitchly";
import { describeManyProcesses } from "../helpers/many-processes";
import { startRedisServer, type RedisServer } from "./redis-server";

let redis: RedisServer | undefined;
let client: ReturnType<typeof createClient> | undefined;
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

describeManyProcesses("many processes, one Redis", async () => {
  redis = await startRedisServer();
  client = createClient({ url: redis.url });
  await client.connect();
  return { config: { backend: "redis", url: redis.url }, store: new RedisTokenStore({ client }) };
});
