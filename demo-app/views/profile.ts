// Profile page: who you are (from GraphQL), a small table of Pitchly data, and the token panel with its two buttons.
import type { DataTable, Identity } from "../pitchly-queries";
import type { PanelView } from "../token-panel";
import { clock, html, remaining, type SafeHtml } from "./html";
import { layout } from "./layout";

export interface ProfileInput {
  identity: Identity;
  table: DataTable | { unavailable: string };
  panel: PanelView;
  /** Only with the local Pitchly. */
  canExpire: boolean;
  notice?: string;
  calledAt: number;
  pitchlyLabel: string;
}

/** Banners after a no-JavaScript form post; fixed texts keyed by name, never reflected from the URL. */
export const NOTICES: Record<string, string> = {
  expired:
    "Pitchly now rejects your old access token. Loading this page called the API, so the app has already refreshed it: see the count.",
  called: "The app called Pitchly's API as you. Any refresh it needed happened on the way.",
};

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => part[0]?.toUpperCase() ?? "")
      .join("") || "?"
  );
}

function cell(value: unknown): string {
  if (typeof value === "number") return value.toLocaleString("en-US");
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function renderTable(table: ProfileInput["table"]): SafeHtml {
  if ("unavailable" in table) return html`<h2>Your Pitchly data</h2><p class="muted">${table.unavailable}</p>`;
  const numeric = (column: string) => table.rows.every((row) => typeof row[column] === "number");
  return html`<h2>${table.name} <span class="muted">· ${table.organization}</span></h2>
<div class="table-scroll"><table>
<thead><tr>${table.columns.map((c) => (numeric(c) ? html`<th scope="col" class="num">${c}</th>` : html`<th scope="col">${c}</th>`))}</tr></thead>
<tbody>${table.rows.map((row) => html`<tr>${table.columns.map((c) => (typeof row[c] === "number" ? html`<td class="num">${cell(row[c])}</td>` : html`<td>${cell(row[c])}</td>`))}</tr>`)}</tbody>
</table></div>
<p class="muted small">Read from Pitchly's GraphQL API with your access token, on the server.</p>`;
}

function renderPanel(input: ProfileInput): SafeHtml {
  const { panel } = input;
  const expire = input.canExpire
    ? html`<form method="post" action="/profile/expire" data-enhance><button type="submit" class="btn btn-warn" id="expire">Expire my token now</button></form>`
    : "";
  return html`<section class="card panel" id="token" aria-labelledby="token-title">
  <h2 id="token-title">Your Pitchly access token</h2>
  <dl class="facts">
    <div><dt>Expires in</dt><dd><span data-field="expires-in" data-expires-at="${panel.expiresAt}">${remaining(panel.expiresAt)}</span></dd></div>
    <div><dt>Last refresh</dt><dd data-field="last-refresh">${panel.lastRefreshAt === null ? "not yet" : clock(panel.lastRefreshAt)}</dd></div>
    <div><dt>Refreshes so far</dt><dd data-field="refreshes">${panel.refreshes}</dd></div>
  </dl>
  <p class="status ${panel.expiredAtPitchly ? "status-warn" : "status-ok"}" data-field="status">${panel.status}</p>
  <div class="panel-actions">
    ${expire}
    <form method="post" action="/profile/call-api" data-enhance><button type="submit" class="btn btn-primary" id="call-api">Call the API</button></form>
  </div>
  <p class="api-result" id="api-result" aria-live="polite">This page called Pitchly's GraphQL API at ${clock(input.calledAt)}.</p>
  <p class="muted small">The tokens themselves never leave the server: this panel shows only their timing.</p>
</section>`;
}

function renderHowTo(canExpire: boolean): SafeHtml {
  const steps = canExpire
    ? [
        html`Press <strong>Expire my token now</strong>: the local Pitchly stops accepting your access token, but DealDesk still thinks it has two hours left.`,
        html`Press <strong>Call the API</strong>: Pitchly answers <code>token-invalid</code>, express-pitchly trades the single-use refresh token for a new pair and retries. The call succeeds and the count goes up.`,
        html`Reload the page: the numbers come from your session, and you are still signed in.`,
      ]
    : [
        html`Press <strong>Call the API</strong> to query Pitchly as you from the server.`,
        html`About a minute before the token expires, the next request refreshes it first: the count goes up and you never notice.`,
      ];
  return html`<section class="card howto">
  <h2>See a refresh happen</h2>
  <ol>${steps.map((step) => html`<li>${step}</li>`)}</ol>
</section>`;
}

export function renderProfile(input: ProfileInput): string {
  const { identity } = input;
  const notice = input.notice !== undefined ? html`<p class="notice" role="status">${input.notice}</p>` : "";
  const body = html`${notice}
<div class="profile-grid">
  <section class="card user">
    <div class="avatar" aria-hidden="true">${initials(identity.name)}</div>
    <div>
      <p class="eyebrow">Signed in with Pitchly</p>
      <h1 id="user-name">${identity.name}</h1>
      <p class="muted" id="user-email">${identity.email}</p>
      ${"organization" in input.table ? html`<p class="muted small">${input.table.organization}</p>` : ""}
    </div>
  </section>
  ${renderHowTo(input.canExpire)}
  ${renderPanel(input)}
  <section class="card data">${renderTable(input.table)}</section>
  <section class="card live" aria-labelledby="live-title">
    <h2 id="live-title">Live: deal changes</h2>
    <p class="muted small" id="live-status" role="status">Connecting…</p>
    <ul id="live-feed" aria-live="polite"></ul>
  </section>
</div>`;
  return layout({
    title: "Your profile",
    body,
    pitchlyLabel: input.pitchlyLabel,
    signedIn: true,
    active: "profile",
    scripts: [
      { src: "/assets/countdown.js" },
      { src: "/assets/profile.js", module: true },
      { src: "/assets/live-feed.js", module: true },
    ],
  });
}
