// The local Pitchly the demo runs against by default: the demo's two clients (server app and public SPA) and two users.
import { randomBytes } from "node:crypto";
import { DEFAULT_ORGANIZATION, startMockPitchly, type MockPitchly, type MockUser } from "express-pitchly/testing";
import { endpointsFor, type EnvConfig } from "./config";

export const DEMO_CLIENT_ID = "demo-app";
export const DEMO_SPA_CLIENT_ID = "demo-spa";

export const DEMO_USERS: MockUser[] = [
  { id: "user-1", name: "Ada Lovelace", email: "ada@example.com" },
  { id: "user-2", name: "Grace Hopper", email: "grace@example.com" },
];

export interface LocalPitchly {
  mock: MockPitchly;
  config: EnvConfig;
  /** The same app as a plugin (its own origin, so its own callback), when `pluginAppUrl` was given. */
  plugin?: { config: EnvConfig; workspaceUrl: string };
}

export interface LocalPitchlyOptions {
  /** The demo app's public URL, e.g. http://localhost:3000: both clients' redirect URIs hang off it. */
  appUrl: string;
  /** Default 0 (random); the demo itself uses 4010. */
  port?: number;
  users?: MockUser[];
  /** Where the plugin instance of the demo runs, e.g. http://localhost:3001; the workspace page frames its /plugin. */
  pluginAppUrl?: string;
}

export async function startLocalPitchly(opts: LocalPitchlyOptions): Promise<LocalPitchly> {
  // Nobody but this process needs the secret, so a fresh one per run is fine.
  const clientSecret = randomBytes(24).toString("base64url");
  const redirectUri = `${opts.appUrl}/auth/pitchly/callback`;
  const pluginRedirectUri = opts.pluginAppUrl === undefined ? undefined : `${opts.pluginAppUrl}/auth/pitchly/callback`;
  const mock = await startMockPitchly({
    host: "127.0.0.1",
    port: opts.port ?? 0,
    users: opts.users ?? DEMO_USERS,
    clients: [
      // One Pitchly app, two places it runs: the website and the plugin panel (its own origin, so its own callback).
      {
        clientId: DEMO_CLIENT_ID,
        clientSecret,
        redirectUris: [redirectUri, ...(pluginRedirectUri ? [pluginRedirectUri] : [])],
        name: "DealDesk",
        generation: "platform",
      },
      // A PUBLIC client (no secret): the SPA page signs in with it, by implicit flow or PKCE.
      { clientId: DEMO_SPA_CLIENT_ID, redirectUris: [`${opts.appUrl}/spa`], name: "DealDesk SPA" },
    ],
    plugins:
      opts.pluginAppUrl === undefined ? [] : [{ clientId: DEMO_CLIENT_ID, url: `${opts.pluginAppUrl}/plugin`, name: "DealDesk" }],
  });
  const config: EnvConfig = {
    clientId: DEMO_CLIENT_ID,
    clientSecret,
    redirectUri,
    // The server app on Pitchly's platform (profile from its identity query); the SPA on v2, whose flow it is.
    platform: "platform",
    endpoints: { ...endpointsFor("platform", mock.url), subscriptionsUrl: mock.platformSubscriptionsUrl },
    pitchlyLabel: `the local Pitchly (${new URL(mock.url).host})`,
    spa: {
      clientId: DEMO_SPA_CLIENT_ID,
      pkce: true,
      platform: "v2",
      endpoints: endpointsFor("v2", mock.url),
      organizationId: DEFAULT_ORGANIZATION.id,
    },
    expireAccessTokens: () => mock.expireAccessTokens(),
  };
  return {
    mock,
    config,
    ...(pluginRedirectUri !== undefined && {
      plugin: { config: { ...config, redirectUri: pluginRedirectUri }, workspaceUrl: mock.workspaceUrl() },
    }),
  };
}
