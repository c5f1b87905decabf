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
  /** The plugin instance's port (local Pitchly only); default 3001 (0 = random). */
  pluginPort?: number;
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
  /** Local Pitchly only: DealDesk as a plugin, and the local Pitchly's workspace page that frames it. */
  plugin?: { appUrl: string; workspaceUrl: string };
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
  const pluginServer = real ? undefined : createServer();
  const servers = pluginServer ? [server, pluginServer] : [server];
  let config: EnvConfig;
  let pluginConfig: (EnvConfig & { workspaceUrl: string }) | undefined;
  let closeLocal = async (): Promise<void> => undefined;
  let pitchlyUrl: string;
  let port = 0;
  let pluginPort = 0;
  try {
    // Listen first: with port 0 the app's URL, and so the redirect URI the local Pitchly registers, is known only now.
    port = await listen(server, opts.port ?? 3000, opts.host ?? "127.0.0.1");
    if (real) {
      config = real;
      pitchlyUrl = new URL(real.endpoints.graphqlUrl).origin;
    } else {
      pluginPort = await listen(pluginServer as Server, opts.pluginPort ?? 3001, opts.host ?? "127.0.0.1");
      const local = await startLocalPitchly({
        appUrl: `http://localhost:${port}`,
        pluginAppUrl: `http://localhost:${pluginPort}`,
        port: opts.pitchlyPort ?? 4010,
      });
      config = local.config;
      if (local.plugin) pluginConfig = { ...local.plugin.config, workspaceUrl: local.plugin.workspaceUrl };
      pitchlyUrl = local.mock.url;
      closeLocal = () => local.mock.close();
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const shared = {
    sessionSecret: env.SESSION_SECRET || randomBytes(32).toString("base64url"),
    ...(trustProxy !== undefined && { trustProxy }),
    ...(opts.logger && { logger: opts.logger }),
  };
  const { app, appUrl } = createApp({ ...config, ...shared });
  server.on("request", app);
  if (pluginServer && pluginConfig) {
    const { workspaceUrl: _workspaceUrl, ...plugin } = pluginConfig;
    // PLUGIN_COOKIE=default keeps the ordinary SameSite=Lax cookie: sign-in then fails in the frame, and the log says why.
    const cookie = env.PLUGIN_COOKIE === "default" ? "default" : "plugin";
    const platformOrigin = new URL(pitchlyUrl).origin;
    pluginServer.on("request", createApp({ ...plugin, ...shared, plugin: { platformOrigin, cookie } }).app);
  }

  let closing: Promise<void> | undefined;
  return {
    appUrl: real ? appUrl : `http://localhost:${port}`,
    pitchlyUrl,
    local: !real,
    ...(pluginConfig && { plugin: { appUrl: `http://localhost:${pluginPort}`, workspaceUrl: pluginConfig.workspaceUrl } }),
    close: () => {
      closing ??= (async () => {
        const stopped = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        for (const s of servers) s.closeAllConnections();
        await Promise.all([...stopped, closeLocal()]);
      })();
      return closing;
    },
  };
}
