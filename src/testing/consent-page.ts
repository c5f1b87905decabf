// HTML of the local Pitchly's consent and error pages (everything echoed is escaped).
import { escapeHtml } from "./http-util";
import type { MockClient, MockUser } from "./types";

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
    font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5fa;color:#1d2433}
  main{width:min(420px,92vw);background:#fff;border-radius:14px;padding:32px;
    box-shadow:0 10px 30px rgba(29,36,51,.12)}
  .brand{display:flex;align-items:center;gap:10px;font-weight:700;color:#3b5bdb;margin-bottom:20px}
  .logo{width:30px;height:30px;border-radius:8px;background:linear-gradient(135deg,#3b5bdb,#15aabf);
    color:#fff;display:grid;place-items:center;font-size:16px}
  h1{font-size:20px;margin:0 0 8px}
  p{margin:0 0 16px;color:#4a5368}
  .muted{font-size:13px;color:#7a8296}
  ul{padding-left:20px;margin:0 0 16px;color:#4a5368}
  label{display:block;font-size:13px;font-weight:600;margin-bottom:4px}
  select{width:100%;padding:8px;border:1px solid #cfd5e2;border-radius:8px;font:inherit;margin-bottom:16px}
  .user{padding:10px 12px;border:1px solid #e3e7f0;border-radius:8px;margin-bottom:16px}
  .actions{display:flex;gap:12px;margin-top:8px}
  button{flex:1;padding:10px 14px;border-radius:8px;border:1px solid transparent;font:inherit;font-weight:600;cursor:pointer}
  button[value=approve]{background:#3b5bdb;color:#fff}
  button[value=approve]:hover{background:#2f4ac0}
  button[value=deny]{background:#fff;border-color:#cfd5e2;color:#1d2433}
  button[value=deny]:hover{background:#f3f5fa}
  code{font-size:12px;word-break:break-all}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Pitchly (local)</title><style>${STYLE}</style></head>
<body><main><div class="brand"><span class="logo">P</span>Pitchly <span class="muted">(local)</span></div>
${body}
</main></body></html>`;
}

export interface ConsentPageInput {
  client: MockClient;
  users: MockUser[];
  tx: string;
  redirectUri: string;
  scope?: string;
}

function userPicker(users: MockUser[]): string {
  const [only] = users;
  if (users.length === 1 && only) {
    return `<div class="user">Signed in as <strong>${escapeHtml(only.name)}</strong>
<span class="muted">${escapeHtml(only.email)}</span></div>
<input type="hidden" name="user" value="${escapeHtml(only.id)}">`;
  }
  const options = users
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} (${escapeHtml(u.email)})</option>`)
    .join("");
  return `<label for="user">Continue as</label><select id="user" name="user">${options}</select>`;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const appName = input.client.name ?? input.client.clientId;
  let origin = input.redirectUri;
  try {
    origin = new URL(input.redirectUri).origin;
  } catch {
    // Registered URIs are not required to be absolute; show them as they are.
  }
  const scope = input.scope ? `<p class="muted">Requested scope: <code>${escapeHtml(input.scope)}</code></p>` : "";
  const body = `<h1>${escapeHtml(appName)} wants to access your Pitchly account</h1>
<p>It will be able to:</p>
<ul><li>see your name, email and picture</li><li>read your organization's tables as you</li></ul>
${scope}
<form method="post" action="/oauth/authorize/decision">
<input type="hidden" name="tx" value="${escapeHtml(input.tx)}">
${userPicker(input.users)}
<div class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="approve">Approve</button>
</div>
</form>
<p class="muted" style="margin-top:16px">You will be sent back to <code>${escapeHtml(origin)}</code>.</p>`;
  return layout(`Authorize ${appName}`, body);
}

export function renderErrorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
