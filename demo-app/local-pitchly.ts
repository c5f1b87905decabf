// The local Pitchly the demo runs against by default: the demo's two clients (server app and public SPA) and two users.
import { randomBytes } from "node:crypto";
import { startMockPitchly, type MockPitchly, type MockUser } from "express-pitchly/testing";
import type { EnvConfig } from "./config";

export const DEMO_CLIENT_ID = "demo-app";
export const DEMO_SPA_CLIENT_ID = "demo-spa";

export const DEMO_USERS: MockUser[] = [
  { id: "user-1", name: "Ada Lovelace", email: "ada@example.com" },
  { id: "user-2", name: "Grace Hopper", email: "grace@example.com" },
];

export interface LocalPitchly {
  mock: MockPitchly;
  config: EnvConfig;
}

export interface LocalPitchlyOptions {
  /** The demo app's public URL, e.g. http://localhost:3000: both clients' redirect URIs hang off it. */
  appUrl: string;
  /** Default 0 (random); the demo itself uses 4010. */
  port?: number;
  users?: MockUser[];
}

export async function startLocalPitchly(opts: LocalPitchlyOptions): Promise<LocalPitchly> {
  // Nobody but this process needs the secret, so a fresh one per run is fine.
  const clientSecret = randomBytes(24).toString("base64url");
  const redirectUri = `${opts.appUrl}/auth/pitchly/callback`;
  const mock = await startMockPitchly({
    host: "127.0.0.1",
    port: opts.port ?? 0,
    users: opts.users ?? DEMO_USERS,
    clients: [
      { clientId: DEMO_CLIENT_ID, clientSecret, redirectUris: [redirectUri], name: "DealDesk" },
      // A PUBLIC client (no secret): the SPA page signs in with it, by implicit flow or PKCE.
      { clientId: DEMO_SPA_CLIENT_ID, redirectUris: [`${opts.appUrl}/spa`], name: "DealDesk SPA" },
    ],
  });
  return {
    mock,
    config: {
      clientId: DEMO_CLIENT_ID,
      clientSecret,
      redirectUri,
      // The platform generation: Pitchly's own identity query names who signed in (v2 has none).
      platform: "platform",
      endpoints: { authorizeUrl: `${mock.url}/oauth/authorize`, tokenUrl: mock.platformTokenUrl, graphqlUrl: mock.platformGraphqlUrl },
      pitchlyLabel: `the local Pitchly (${new URL(mock.url).host})`,
      spa: { clientId: DEMO_SPA_CLIENT_ID, pkce: true },
      expireAccessTokens: () => mock.expireAccessTokens(),
    },
  };
}
