// Which URLs to call: Pitchly v2 or the newer platform, each endpoint overridable on its own.
import type { ParsedOptions } from "./options";

export interface Endpoints {
  authorizeUrl: string;
  tokenUrl: string;
  graphqlUrl: string;
}

const generations = {
  // v2: authorize and token paths follow RFC 6749 as Pitchly's own packages use them.
  v2: { baseUrl: "https://v2.pitchly.net", tokenPath: "/oauth/token" },
  // platform: seen in Pitchlyapp/pitchly-oauth and accounts-pitchly.
  platform: { baseUrl: "https://platform.pitchly.com", tokenPath: "/api/oauth/token" },
} as const;

export function resolveEndpoints(options: ParsedOptions): Endpoints {
  const generation = generations[options.platform];
  const base = (options.baseUrl ?? generation.baseUrl).replace(/\/+$/, "");
  return {
    authorizeUrl: options.authorizeUrl ?? `${base}/oauth/authorize`,
    tokenUrl: options.tokenUrl ?? `${base}${generation.tokenPath}`,
    graphqlUrl: options.graphqlUrl ?? `${base}/graphql`,
  };
}
