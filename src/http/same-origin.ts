// Tells a state-changing POST sent by another site apart from one sent by the app's own pages.
import type { Request } from "express";

/**
 * Uses only what a browser sets and a page cannot forge: Fetch Metadata first, then Origin, then
 * Referer (some browsers omit Origin on same-origin POSTs). A request with none of them is not a
 * browser's cross-site request (curl, server-to-server) and is let through. The Host header is never
 * consulted: the app's origin comes from the configured redirectUri.
 */
export function isCrossSite(req: Request, appOrigin: string): boolean {
  const site = req.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return true;
  const origin = req.get("origin");
  if (origin !== undefined) {
    // A mismatching Origin passes only when the browser itself vouches it is same-origin (an app alias).
    return origin !== appOrigin && site !== "same-origin";
  }
  if (site === "same-origin" || site === "none") return false;
  const referer = req.get("referer");
  return referer !== undefined && originOf(referer) !== appOrigin;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
