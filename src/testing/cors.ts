// CORS for the local Pitchly's API endpoints, so SPAs on another origin can call /graphql and the token endpoint.
import type { IncomingMessage, ServerResponse } from "node:http";

/** The endpoints a browser app calls with fetch(); the consent pages are navigations and need no CORS. */
export const CORS_PATHS: ReadonlySet<string> = new Set(["/graphql", "/api/graphql", "/oauth/token", "/api/oauth/token"]);

// Any origin (a dev server), never Allow-Credentials: callers send tokens explicitly, never cookies.
const ALLOW_ORIGIN = { "Access-Control-Allow-Origin": "*" };
const PREFLIGHT = {
  ...ALLOW_ORIGIN,
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  // Authorization is never covered by a "*" wildcard, so the allowed headers are listed.
  "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
  "Access-Control-Max-Age": "600",
};

/** Adds CORS headers for API paths; answers a preflight itself and returns true when it did. */
export function applyCors(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (!CORS_PATHS.has(pathname)) return false;
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...PREFLIGHT, "Content-Length": 0 });
    res.end();
    return true;
  }
  for (const [name, value] of Object.entries(ALLOW_ORIGIN)) res.setHeader(name, value);
  return false;
}
