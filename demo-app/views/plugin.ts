// The plugin panel Pitchly frames: who is signed in, the selected record, the token's refresh count.
import type { Identity } from "../pitchly-queries";
import type { PanelView } from "../token-panel";
import { html, remaining, type SafeHtml } from "./html";

export const PLUGIN_SIGN_IN_URL = "/auth/pitchly/login?returnTo=%2Fplugin";

interface PluginCommon {
  platformOrigin: string;
  pitchlyLabel: string;
  canExpire: boolean;
}

function page(title: string, body: SafeHtml, attrs: SafeHtml, scripts: boolean, pitchlyLabel: string): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · DealDesk plugin</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/demo.css">
${scripts ? html`<script type="module" src="/assets/plugin.js"></script>` : ""}
</head>
<body class="plugin"${attrs}>
<header class="plugin-bar"><span class="brand"><span class="logo" aria-hidden="true">D</span>DealDesk</span></header>
<main class="plugin-main">
${body}
</main>
<footer class="plugin-foot muted small">Signing in with ${pitchlyLabel}</footer>
</body>
</html>
`.value;
}

export function renderPluginSignIn(input: PluginCommon): string {
  const body = html`
<section class="card">
  <h1>Deals, beside your workspace</h1>
  <p class="muted">Sign in once inside this panel; DealDesk then shows the deal behind the cell you pick.</p>
  <a class="btn btn-pitchly" id="plugin-sign-in" href="${PLUGIN_SIGN_IN_URL}"><span class="pmark" aria-hidden="true">P</span>Sign in with Pitchly</a>
</section>`;
  return page("Sign in", body, html``, false, input.pitchlyLabel);
}

export interface PluginPageInput extends PluginCommon {
  identity: Identity;
  panel: PanelView;
}

export function renderPluginPage(input: PluginPageInput): string {
  const { identity, panel } = input;
  const expire = input.canExpire ? html`<button type="button" class="btn btn-warn" id="expire">Expire my token now</button>` : "";
  const body = html`
<section class="card plugin-who">
  <div><span class="muted small">Signed in as</span> <strong id="user-name">${identity.name}</strong></div>
  <form method="post" action="/auth/pitchly/logout" id="sign-out-form"><button type="submit" class="btn btn-ghost">Sign out</button></form>
</section>
<section class="card" id="record" aria-live="polite">
  <p class="eyebrow" id="record-table">Waiting for Pitchly…</p>
  <h2 id="record-title">Pick a cell in the workspace</h2>
  <dl id="record-values"></dl>
</section>
<section class="card" id="token">
  <p class="small"><span class="muted">Token expires in</span> <span data-field="expires-in">${remaining(panel.expiresAt)}</span>
  · <span class="muted">refreshes</span> <span data-field="refreshes">${panel.refreshes}</span></p>
  <p class="small" id="plugin-status" data-field="status">${panel.status}</p>
  ${expire}
</section>`;
  const attrs = html` data-platform-origin="${input.platformOrigin}" data-person-id="${identity.id}"`;
  return page("Deal", body, attrs, true, input.pitchlyLabel);
}
