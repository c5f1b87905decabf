// Which URLs to call: Pitchly v2 or the newer platform, each endpoint overridable on its own.

export interface Endpoints {
  authorizeUrl: string;
  tokenUrl: string;
  graphqlUrl: string;
  /** graphql-ws websocket endpoint for `subscribe()`. */
  subscriptionsUrl: string;
}

const generations = {
  // v2: authorize and token paths follow RFC 6749 as Pitchly's own packages use them.
  v2: {
    baseUrl: "https://v2.pitchly.net",
    tokenPath: "/oauth/token",
    graphqlPath: "/graphql",
    graphqlUrl: "https://v2.pitchly.net/graphql",
  },
  // platform: token path seen in Pitchlyapp/pitchly-oauth and accounts-pitchly; the API on its own, documented origin.
  // Another baseUrl (the local Pitchly, a proxy) serves the API beside the token endpoint, under /api (assumed).
  platform: {
    baseUrl: "https://platform.pitchly.com",
    tokenPath: "/api/oauth/token",
    graphqlPath: "/api/graphql",
    graphqlUrl: "https://api.pitchly.com/graphql",
  },
} as const;

/** The options that choose the endpoints (a slice of pitchlyAuth()'s). */
export interface EndpointOptions {
  platform: Generation;
  baseUrl?: string | undefined;
  authorizeUrl?: string | undefined;
  tokenUrl?: string | undefined;
  graphqlUrl?: string | undefined;
  subscriptionsUrl?: string | undefined;
}

export type Generation = "v2" | "platform";

/** PITCHLY.md: v2 access tokens live 2 hours, the platform's one hour; used when an answer omits `expires_in`. */
export const DEFAULT_LIFETIME_SECONDS: Record<Generation, number> = { v2: 7200, platform: 3600 };

export function resolveEndpoints(options: EndpointOptions): Endpoints {
  const generation = generations[options.platform];
  const base = (options.baseUrl ?? generation.baseUrl).replace(/\/+$/, "");
  const graphqlUrl =
    options.graphqlUrl ?? (base === generation.baseUrl ? generation.graphqlUrl : `${base}${generation.graphqlPath}`);
  return {
    authorizeUrl: options.authorizeUrl ?? `${base}/oauth/authorize`,
    tokenUrl: options.tokenUrl ?? `${base}${generation.tokenPath}`,
    graphqlUrl,
    // Platform: wss://platform.pitchly.com/subscriptions (seen in Pitchly's code). v2 never published its URL:
    // the GraphQL endpoint's own path, as Apollo-style servers serve it, is assumed.
    subscriptionsUrl:
      options.subscriptionsUrl ?? (options.platform === "platform" ? `${base}/subscriptions` : graphqlUrl).replace(/^http/, "ws"),
  };
}
