// Home page: what DealDesk is, the "Sign in with Pitchly" button, and what happens when you press it.
import { html } from "./html";
import { SIGN_IN_URL, layout } from "./layout";

export interface HomeInput {
  signedIn: boolean;
  pitchlyLabel: string;
  local: boolean;
}

const STEPS = [
  ["1", "You approve at Pitchly", "DealDesk sends you to Pitchly's consent page. Your Pitchly password never touches this site."],
  [
    "2",
    "A code, traded on the server",
    "Pitchly sends you back with a one-time code. The server trades it for tokens with its secret; neither reaches your browser.",
  ],
  [
    "3",
    "Fresh tokens, transparently",
    "Access tokens last two hours. Before one runs out, the server quietly swaps it for a new one.",
  ],
] as const;

export function renderHome(input: HomeInput): string {
  const action = input.signedIn
    ? html`<a class="btn btn-pitchly btn-lg" href="/profile">Open your profile →</a>`
    : html`<a class="btn btn-pitchly btn-lg" href="${SIGN_IN_URL}"><span class="pmark" aria-hidden="true">P</span>Sign in with Pitchly</a>`;
  const hint = input.local
    ? html`<p class="hint">No Pitchly account needed: this demo runs its own local Pitchly. Approve on its consent page to continue.</p>`
    : "";
  const body = html`
<section class="hero">
  <p class="eyebrow">A demo of express-pitchly</p>
  <h1>Your Pitchly deals, one click away.</h1>
  <p class="lead">DealDesk signs you in with your Pitchly account, reads your organization's data through Pitchly's GraphQL API as you, and keeps your session alive without ever asking twice.</p>
  <div class="hero-actions">${action}</div>
  ${hint}
</section>
<section class="steps" aria-label="How it works">
  ${STEPS.map(([n, title, text]) => html`<article class="card step"><span class="step-n">${n}</span><h2>${title}</h2><p>${text}</p></article>`)}
</section>`;
  return layout({ title: "Home", body, pitchlyLabel: input.pitchlyLabel, signedIn: input.signedIn, active: "home" });
}
