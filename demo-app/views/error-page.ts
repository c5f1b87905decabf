// Friendly pages for every error code: the package's PitchlyAuthError codes and the demo's own.
import type { PitchlyAuthErrorCode } from "express-pitchly";
import { html } from "./html";
import { SIGN_IN_URL, layout, type LayoutInput } from "./layout";

export type DemoErrorCode = "graphql_error" | "cross_site_request" | "local_only" | "not_found" | "bad_request" | "internal";
export type ErrorCode = PitchlyAuthErrorCode | DemoErrorCode;

export interface ErrorCopy {
  title: string;
  message: string;
  action: "sign-in" | "home" | "profile";
}

const COPY: Record<ErrorCode, ErrorCopy> = {
  access_denied: {
    title: "You cancelled the sign-in",
    message:
      "No problem: you chose Deny on Pitchly's consent page, so DealDesk received nothing from your Pitchly account. You can sign in whenever you like.",
    action: "sign-in",
  },
  state_missing: {
    title: "That sign-in link is incomplete",
    message: "The answer from Pitchly carried no state, so nothing ties it to a sign-in started here. Start again from DealDesk.",
    action: "sign-in",
  },
  state_mismatch: {
    title: "That sign-in did not start here",
    message:
      "The answer from Pitchly does not match a sign-in started in this browser, or it was already used. This protects you from someone else's login link.",
    action: "sign-in",
  },
  state_expired: {
    title: "That sign-in took too long",
    message: "A sign-in must finish within 10 minutes. Please start again.",
    action: "sign-in",
  },
  provider_error: {
    title: "Pitchly could not sign you in",
    message:
      "Pitchly answered with an error instead of a sign-in. Try again; if it keeps happening, check the app's client ID and redirect URI.",
    action: "sign-in",
  },
  token_exchange_failed: {
    title: "We could not finish signing you in",
    message:
      "Pitchly refused to trade the one-time sign-in code for tokens. Codes are single-use and short-lived, so start again.",
    action: "sign-in",
  },
  token_response_invalid: {
    title: "Pitchly sent an answer we could not read",
    message: "The token answer was malformed, so nothing was stored. Please try again.",
    action: "sign-in",
  },
  login_required: { title: "Please sign in", message: "You need to sign in with Pitchly to see this page.", action: "sign-in" },
  refresh_rejected: {
    title: "Your Pitchly session has ended",
    message: "Pitchly no longer accepts this app's refresh token (access may have been revoked). Sign in again to continue.",
    action: "sign-in",
  },
  pitchly_unavailable: {
    title: "Pitchly is not reachable right now",
    message: "Nothing is lost: your sign-in is kept as it was. Try again in a few seconds.",
    action: "profile",
  },
  profile_failed: {
    title: "We could not tell who signed in",
    message:
      "Pitchly approved the sign-in but did not answer the identity query, so nothing was kept and you are not signed in. Please try again.",
    action: "sign-in",
  },
  session_missing: {
    title: "This app is misconfigured",
    message: "express-session is not mounted before the express-pitchly router.",
    action: "home",
  },
  graphql_error: {
    title: "Pitchly answered with an error",
    message: "Pitchly's GraphQL API could not answer this request. Please try again later.",
    action: "home",
  },
  cross_site_request: {
    title: "Request refused",
    message: "This form was sent from another site. If you followed a link elsewhere, open DealDesk directly instead.",
    action: "home",
  },
  local_only: {
    title: "Only with the local Pitchly",
    message: "Expiring a token on demand is something only the local Pitchly can do.",
    action: "profile",
  },
  not_found: { title: "Page not found", message: "There is nothing at this address.", action: "home" },
  bad_request: { title: "Bad request", message: "The request could not be understood.", action: "home" },
  internal: {
    title: "Something went wrong",
    message: "An unexpected error happened on our side. Please try again.",
    action: "home",
  },
};

export const ERROR_CODES = Object.keys(COPY) as ErrorCode[];

export function errorCopy(code: ErrorCode): ErrorCopy {
  return COPY[code];
}

const ACTIONS = {
  "sign-in": html`<a class="btn btn-pitchly" href="${SIGN_IN_URL}"><span class="pmark" aria-hidden="true">P</span>Sign in with Pitchly</a>`,
  profile: html`<a class="btn btn-primary" href="/profile">Try again</a>`,
  home: html`<a class="btn btn-primary" href="/">Back to DealDesk</a>`,
};

export function renderErrorPage(code: ErrorCode, page: Omit<LayoutInput, "title" | "body">): string {
  const copy = errorCopy(code);
  const calm = code === "access_denied" || code === "login_required";
  const body = html`<section class="card message" data-error-code="${code}">
  <div class="message-icon ${calm ? "icon-calm" : "icon-warn"}" aria-hidden="true">${calm ? "↩" : "!"}</div>
  <h1>${copy.title}</h1>
  <p>${copy.message}</p>
  <p class="message-actions">${ACTIONS[copy.action]}${copy.action !== "home" ? html` <a class="btn btn-ghost" href="/">Home</a>` : ""}</p>
  <p class="muted small">Error code: <code>${code}</code></p>
</section>`;
  return layout({ ...page, title: copy.title, body });
}
