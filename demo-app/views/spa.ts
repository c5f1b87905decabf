// The SPA page's shell: buttons and placeholders that /assets/spa.js fills in; settings travel in data attributes.
import type { PitchlyEndpoints, Platform, SpaConfig } from "../config";
import { html } from "./html";
import { layout } from "./layout";

export interface SpaInput {
  spa: SpaConfig | undefined;
  redirectUri: string;
  endpoints: PitchlyEndpoints;
  platform: Platform;
  pitchlyLabel: string;
  signedIn: boolean;
}

export function renderSpa(input: SpaInput): string {
  const { spa, endpoints } = input;
  const app = spa
    ? html`<section class="card spa" id="spa"
    data-client-id="${spa.clientId}" data-redirect-uri="${input.redirectUri}" data-platform="${input.platform}" data-organization-id="${spa.organizationId ?? ""}"
    data-authorize-url="${endpoints.authorizeUrl}" data-token-url="${endpoints.tokenUrl}" data-graphql-url="${endpoints.graphqlUrl}">
  <div id="spa-signed-out">
    <h2>Sign in from the browser</h2>
    <p>No server session here: the page itself gets a token from Pitchly and calls its GraphQL API directly.</p>
    <div class="panel-actions">
      <button type="button" class="btn btn-pitchly" id="spa-implicit"><span class="pmark" aria-hidden="true">P</span>Sign in (implicit flow)</button>
      ${spa.pkce ? html`<button type="button" class="btn btn-primary" id="spa-pkce">Sign in with PKCE</button>` : ""}
    </div>
  </div>
  <div id="spa-signed-in" hidden>
    <p class="eyebrow">Signed in from the browser · <span id="spa-flow"></span></p>
    <h2 id="spa-name"></h2>
    <p class="muted" id="spa-email"></p>
    <dl class="facts">
      <div><dt>Expires in</dt><dd><span id="spa-expires" data-expires-at="0">—</span></dd></div>
      <div><dt>Refresh token</dt><dd id="spa-refresh-kind">—</dd></div>
      <div><dt>Refreshes so far</dt><dd id="spa-refreshes">0</dd></div>
    </dl>
    <div class="panel-actions">
      <button type="button" class="btn btn-primary" id="spa-refresh" hidden>Refresh the token</button>
      <button type="button" class="btn btn-ghost" id="spa-forget">Forget the token</button>
    </div>
  </div>
  <p class="alert" id="spa-error" role="alert" hidden></p>
</section>`
    : html`<section class="card"><p>The single-page app needs a Pitchly client ID: set PITCHLY_SPA_CLIENT_ID.</p></section>`;
  const body = html`<section class="page-head">
  <p class="eyebrow">express-pitchly/browser</p>
  <h1>The same sign-in, as a single-page app</h1>
  <p class="lead">For apps with no server of their own. The token lives in this tab's memory only: reload and it is gone.</p>
</section>
<div class="spa-grid">
${app}
<section class="card explain">
  <h2>Which flow when?</h2>
  <ul>
    <li><strong>Server-side (the rest of DealDesk)</strong>: the safest. Tokens and the client secret stay on the server, the browser holds only an httpOnly session cookie, and refresh tokens keep users signed in.</li>
    <li><strong>PKCE</strong>: for public clients that must hold tokens themselves; the one-time code is bound to a secret this tab made, so a stolen code is useless.</li>
    <li><strong>Implicit flow</strong>: Pitchly's documented flow for SPAs today. The token arrives in the URL fragment, which this page scrubs at once; there is no refresh token.</li>
  </ul>
</section>
</div>`;
  return layout({
    title: "Single-page app",
    body,
    pitchlyLabel: input.pitchlyLabel,
    signedIn: input.signedIn,
    active: "spa",
    scripts: [{ src: "/assets/countdown.js" }, { src: "/assets/spa.js", module: true }],
  });
}
