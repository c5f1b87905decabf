// startDemo(): the two servers of `npm run demo` (the local Pitchly, unless configured for the real one, and the app).
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApp } from "./app";
import { parseTrustProxy, realPitchlyFromEnv, type EnvConfig } from "./config";
import { startLocalPitchly } from "./local-pitchly";

export interface StartOptions {
  /** The app's port; default 3000 (0 = a random free one). */
  port?: number;
  /** The local Pitchly's port; default 4010 (0 = random). */
  pitchlyPort?: number;
  /** Where the app listens; default 127.0.0.1 (loopback only). */
  host?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface RunningDemo {
  appUrl: string;
  /** The Pitchly in use: the local one's URL, or the real one's host. */
  pitchlyUrl: string;
  local: boolean;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startDemo(opts: StartOptions = {}): Promise<RunningDemo> {
  const env = opts.env ?? process.env;
  const real = realPitchlyFromEnv(env);
  const server = createServer();
  // Listen first: with port 0 the app's URL, and so the redirect URI the local Pitchly registers, is known only now.
  const port = await listen(server, opts.port ?? 3000, opts.host ?? "127.0.0.1");
  let config: EnvConfig;
  let closeLocal = async (): Promise<void> => undefined;
  let pitchlyUrl: string;
  try {
    if (real) {
      config = real;
      pitchlyUrl = new URL(real.endpoints.graphqlUrl).origin;
    } else {
      const local = await startLocalPitchly({ appUrl: `http://localhost:${port}`, port: opts.pitchlyPort ?? 4010 });
      config = local.config;
      pitchlyUrl = local.mock.url;
      closeLocal = () => local.mock.close();
    }
  } catch (err) {
    server.close();
    throw err;
  }
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const { app, appUrl } = createApp({
    ...config,
    sessionSecret: env.SESSION_SECRET || randomBytes(32).toString("base64url"),
    ...(trustProxy !== undefined && { trustProxy }),
    ...(opts.logger && { logger: opts.logger }),
  });
  server.on("request", app);

  let closing: Promise<void> | undefined;
  return {
    appUrl: real ? appUrl : `http://localhost:${port}`,
    pitchlyUrl,
    local: !real,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([stopped, closeLocal()]);
      })();
      return closing;
    },
  };
}
