// The token panel's numbers, kept in the demo's own session data: a change of req.pitchly.expiresAt is a refresh.
import type { Request } from "express";
import "express-session";

/** What the demo remembers about the signed-in user's token: timings and counts, never the token. */
export interface PanelState {
  signedInAt: number;
  lastExpiresAt?: number;
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
 * Call after requirePitchlyToken() and after each req.pitchly.graphql(): the package refreshes
 * transparently, so a new expiresAt is the only trace a refresh leaves. Returns whether one happened.
 */
export function observeToken(req: Request): boolean {
  const panel = panelOf(req);
  const expiresAt = req.pitchly.expiresAt;
  const refreshed = panel.lastExpiresAt !== undefined && panel.lastExpiresAt !== expiresAt;
  if (refreshed) {
    panel.refreshes += 1;
    panel.lastRefreshAt = Date.now();
    delete panel.expiredAtPitchlyAt;
  }
  panel.lastExpiresAt = expiresAt;
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
