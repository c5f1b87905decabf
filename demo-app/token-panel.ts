// The token panel's numbers: refreshes as the package reports them (onRefresh), kept per grant, shown per session.
import type { Request } from "express";
import type { OnRefreshContext } from "express-pitchly";
import "express-session";

const MAX_GRANTS = 10_000;

/** Refreshes per grant, as onRefresh reports them (the demo is one process, so memory is enough). */
const refreshLog = new Map<string, { count: number; at: number }>();

/** The demo's onRefresh: one call per real rotation, whichever request (or tab) caused it. */
export function recordRefresh({ grantKey }: OnRefreshContext): void {
  const entry = refreshLog.get(grantKey);
  refreshLog.delete(grantKey);
  if (refreshLog.size >= MAX_GRANTS) refreshLog.delete(refreshLog.keys().next().value as string);
  refreshLog.set(grantKey, { count: (entry?.count ?? 0) + 1, at: Date.now() });
}

/** What the demo remembers about the signed-in user's token: timings and counts, never the token. */
export interface PanelState {
  signedInAt: number;
  /** How many of this grant's refreshes the panel has already counted. */
  seenRefreshes?: number;
  refreshes: number;
  lastRefreshAt?: number;
  /** Set by "Expire my token now"; cleared by the refresh that follows. */
  expiredAtPitchlyAt?: number;
}

declare module "express-session" {
  interface SessionData {
    demo?: PanelState;
  }
}

/** What the page and the JSON answers show. */
export interface PanelView {
  expiresAt: number;
  refreshes: number;
  lastRefreshAt: number | null;
  expiredAtPitchly: boolean;
  status: string;
}

/** Called from onLogin: the new session starts with a clean panel. */
export function startPanel(req: Request): void {
  req.session.demo = { signedInAt: Date.now(), refreshes: 0 };
}

function panelOf(req: Request): PanelState {
  req.session.demo ??= { signedInAt: Date.now(), refreshes: 0 };
  return req.session.demo;
}

/**
 * Call after requirePitchlyToken() and after each req.pitchly.graphql(): picks up the refreshes onRefresh
 * reported for this grant since the last look. Returns whether there was one.
 */
export function observeToken(req: Request): boolean {
  const panel = panelOf(req);
  const logged = refreshLog.get(req.pitchly.grantKey);
  const count = logged?.count ?? 0;
  const seen = panel.seenRefreshes ?? 0;
  const refreshed = count > seen;
  if (refreshed) {
    panel.refreshes += count - seen;
    panel.lastRefreshAt = logged!.at;
    delete panel.expiredAtPitchlyAt;
  }
  panel.seenRefreshes = count;
  return refreshed;
}

export function markExpiredAtPitchly(req: Request): void {
  panelOf(req).expiredAtPitchlyAt = Date.now();
}

export function panelView(req: Request): PanelView {
  const panel = panelOf(req);
  const expiredAtPitchly = panel.expiredAtPitchlyAt !== undefined;
  return {
    expiresAt: req.pitchly.expiresAt,
    refreshes: panel.refreshes,
    lastRefreshAt: panel.lastRefreshAt ?? null,
    expiredAtPitchly,
    status: expiredAtPitchly
      ? "Expired at Pitchly. This app does not know yet: its next API call gets token-invalid, refreshes and retries."
      : "Valid. The app refreshes it by itself shortly before it expires.",
  };
}

/** Whether this visitor has signed in (the home page's greeting; the profile itself trusts only requirePitchlyToken). */
export function isSignedIn(req: Request): boolean {
  return req.session.demo !== undefined;
}
