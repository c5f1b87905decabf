// The page frame every server-rendered page shares: head, top bar with navigation and sign-out, footer.
import { html, type SafeHtml } from "./html";

export interface LayoutInput {
  title: string;
  body: SafeHtml;
  /** Which Pitchly the demo talks to, for the footer. */
  pitchlyLabel: string;
  signedIn: boolean;
  active?: "home" | "profile" | "spa";
  /** Same-origin scripts only (the CSP allows nothing else). */
  scripts?: ReadonlyArray<{ src: string; module?: boolean }>;
}

export const SIGN_IN_URL = "/auth/pitchly/login?returnTo=%2Fprofile";

function navLink(href: string, label: string, on: boolean): SafeHtml {
  return html`<a href="${href}"${on ? html` class="active" aria-current="page"` : ""}>${label}</a>`;
}

export function layout(page: LayoutInput): string {
  const session = page.signedIn
    ? html`<form method="post" action="/auth/pitchly/logout" class="signout"><button type="submit" class="btn btn-ghost">Sign out</button></form>`
    : html`<a class="btn btn-ghost" href="${SIGN_IN_URL}">Sign in</a>`;
  const scripts = (page.scripts ?? []).map((s) =>
    s.module ? html`<script type="module" src="${s.src}"></script>` : html`<script src="${s.src}" defer></script>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · DealDesk</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/demo.css">
${scripts}
</head>
<body>
<header class="topbar">
  <div class="wrap topbar-inner">
    <a class="brand" href="/"><span class="logo" aria-hidden="true">D</span>DealDesk</a>
    <nav aria-label="Main">
      ${navLink("/", "Home", page.active === "home")}
      ${navLink("/profile", "Profile", page.active === "profile")}
      ${navLink("/spa", "Single-page app", page.active === "spa")}
    </nav>
    ${session}
  </div>
</header>
<main class="wrap">
${page.body}
</main>
<footer class="wrap footer">
  <span>express-pitchly demo</span>
  <span>Signing in with ${page.pitchlyLabel}</span>
</footer>
</body>
</html>
`.value;
}
