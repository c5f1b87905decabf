// The demo's configuration: its shape, Pitchly's endpoint URLs, and reading the real-Pitchly settings from the environment.
import type { Logger } from "pino";

export type Platform = "v2" | "platform";

export interface PitchlyEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  graphqlUrl: string;
  /** The live feed's websocket; the package derives it from `platform` when absent. */
  subscriptionsUrl?: string;
}

/** The SPA page's public client (no secret): the implicit flow, and PKCE when the Pitchly in use supports it. */
export interface SpaConfig {
  clientId: string;
  pkce: boolean;
  /** The implicit flow is v2's: the SPA may use another generation (and endpoints) than the server app. */
  platform?: Platform;
  endpoints?: PitchlyEndpoints;
  /** v2 has no identity query: the SPA lists this organization's databases instead. */
  organizationId?: string;
}

export interface DemoConfig {
  clientId: string;
  clientSecret: string;
  /** Registered at Pitchly; its origin is the app's public URL (and says whether cookies are `secure`). */
  redirectUri: string;
  platform: Platform;
  endpoints: PitchlyEndpoints;
  /** Shown in the footer: which Pitchly this demo talks to. */
  pitchlyLabel: string;
  spa?: SpaConfig;
  /** v2 only (it has no "who am I" query): the organization whose Deals the profile's live feed watches. */
  organizationId?: string;
  /** Only with the local Pitchly: what "Expire my token now" calls. */
  expireAccessTokens?: () => void;
  sessionSecret: string;
  /** Passed to `app.set("trust proxy", …)` when the app sits behind a TLS-terminating proxy. */
  trustProxy?: boolean | number | string;
  /** Request and package logs; silent when absent. */
  logger?: Logger;
  /** Built ESM of express-pitchly/browser, served at /assets/pitchly-browser/; defaults to ../dist/browser. */
  browserAssetsDir?: string;
  /** This instance runs as a Pitchly plugin, framed by `platformOrigin`. */
  plugin?: PluginConfig;
}

export interface PluginConfig {
  platformOrigin: string;
  /**
   * "plugin" (SameSite=None; Secure; Partitioned) is what a plugin needs; "default" keeps the ordinary
   * SameSite=Lax cookie, to see sign-in fail in the frame and the package's self-check say why.
   */
  cookie: "plugin" | "default";
}

const BASE_URLS: Record<Platform, string> = { v2: "https://v2.pitchly.net", platform: "https://platform.pitchly.com" };

/** The same URLs the package derives from `platform` and `baseUrl`, needed here for the SPA and its CSP. */
export function endpointsFor(platform: Platform, baseUrl = BASE_URLS[platform]): PitchlyEndpoints {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    authorizeUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}${platform === "platform" ? "/api/oauth/token" : "/oauth/token"}`,
    // As the package derives it: the platform's API at api.pitchly.com, or under /api on an origin of one's own.
    graphqlUrl:
      platform === "v2"
        ? `${base}/graphql`
        : base === BASE_URLS.platform
          ? "https://api.pitchly.com/graphql"
          : `${base}/api/graphql`,
  };
}

export const REAL_PITCHLY_VARS = ["PITCHLY_CLIENT_ID", "PITCHLY_CLIENT_SECRET", "PITCHLY_REDIRECT_URI"] as const;

export type EnvConfig = Omit<DemoConfig, "sessionSecret" | "logger" | "trustProxy">;

/**
 * The real-Pitchly configuration when all three variables are set, `undefined` when none is (local Pitchly),
 * and an error naming the missing ones when only some are.
 */
export function realPitchlyFromEnv(env: NodeJS.ProcessEnv): EnvConfig | undefined {
  const missing = REAL_PITCHLY_VARS.filter((name) => !env[name]);
  if (missing.length === REAL_PITCHLY_VARS.length) return undefined;
  if (missing.length > 0) {
    throw new Error(`To use the real Pitchly set all of ${REAL_PITCHLY_VARS.join(", ")}; missing: ${missing.join(", ")}`);
  }
  const platform: Platform = env.PITCHLY_PLATFORM === "platform" ? "platform" : "v2";
  const endpoints = endpointsFor(platform, env.PITCHLY_BASE_URL || undefined);
  return {
    clientId: env.PITCHLY_CLIENT_ID as string,
    clientSecret: env.PITCHLY_CLIENT_SECRET as string,
    redirectUri: env.PITCHLY_REDIRECT_URI as string,
    platform,
    endpoints,
    pitchlyLabel: `Pitchly (${new URL(endpoints.graphqlUrl).host})`,
    // The implicit flow needs only an App ID; register <app origin>/spa as one of its redirect URIs.
    spa: { clientId: env.PITCHLY_SPA_CLIENT_ID || (env.PITCHLY_CLIENT_ID as string), pkce: env.PITCHLY_SPA_PKCE === "1" },
  };
}

/** `TRUST_PROXY` as Express understands it: true/false, a hop count, or a list like "loopback". */
export function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}
