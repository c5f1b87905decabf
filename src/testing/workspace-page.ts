// The local Pitchly's plugin workspace page: a fake table beside the framed plugin, and Pitchly's side of the handshake.
import type { IncomingMessage, ServerResponse } from "node:http";
import { renderErrorPage } from "./consent-page";
import { escapeHtml, sendHtml, sendJson, sendText } from "./http-util";
import type { DataStore, TableData } from "./fixtures";
import type { MockPlugin } from "./types";
import { WORKSPACE_SCRIPT } from "./workspace-script";

export const WORKSPACE_SCRIPT_PATH = "/workspace.js";
const WORKSPACE_PREFIX = "/workspace/";
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What the page needs of a user; `personId` is the platform person id (`psn…`) where the user model has one. */
interface PersonLike {
  id: string;
  name: string;
  personId?: string;
  organizationId: string;
}

/** The part of the registry the page reads (users, and clients to check each plugin against). */
export interface WorkspaceDirectory {
  clients: ReadonlyMap<string, unknown>;
  users: ReadonlyMap<string, PersonLike>;
  defaultUser: PersonLike;
}

export interface WorkspaceUrlOptions {
  /** Which registered plugin to frame; default the first one. */
  clientId?: string;
  workspaceId?: string;
  /** The mock user Pitchly reports as `person`; default the first user. */
  userId?: string;
}

interface Plugin extends MockPlugin {
  origin: string;
}

function checkPlugins(plugins: readonly MockPlugin[], directory: WorkspaceDirectory): Map<string, Plugin> {
  const checked = new Map<string, Plugin>();
  for (const plugin of plugins) {
    if (checked.has(plugin.clientId)) throw new Error(`duplicate plugin ${plugin.clientId}`);
    if (!directory.clients.has(plugin.clientId)) throw new Error(`plugin ${plugin.clientId} is not one of the clients`);
    let url: URL | undefined;
    try {
      url = new URL(plugin.url);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new Error(`plugin ${plugin.clientId}: url must be an absolute http(s) URL`);
    }
    checked.set(plugin.clientId, { ...plugin, origin: url.origin });
  }
  return checked;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

function grid(table: TableData, first: boolean): string {
  const head = table.fields.map((f) => `<th scope="col">${escapeHtml(f.name)}</th>`).join("");
  const rows = table.rows.map((record) => {
    const cells = table.fields.map((field) => {
      const value = cellText(record.cells.get(field.id));
      return `<td><button type="button" class="cell" aria-pressed="false" data-field-id="${escapeHtml(field.id)}" data-record-id="${escapeHtml(record.id)}">${escapeHtml(value) || "&nbsp;"}</button></td>`;
    });
    return `<tr>${cells.join("")}</tr>`;
  });
  const hidden = first ? "" : " hidden";
  return `<table class="grid" data-table-id="${escapeHtml(table.id)}"${hidden}><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const STYLE = `
  *{box-sizing:border-box} body{margin:0;height:100vh;display:flex;flex-direction:column;
    font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5fa;color:#1d2433}
  header{display:flex;gap:16px;align-items:center;padding:10px 16px;background:#fff;border-bottom:1px solid #e3e7f0}
  .brand{font-weight:700;color:#3b5bdb} .muted{color:#7a8296;font-size:12px} code{font-size:12px}
  .layout{flex:1;display:flex;min-height:0} .workspace{flex:1;overflow:auto;padding:16px}
  nav{display:flex;gap:8px;margin-bottom:12px}
  button{font:inherit;cursor:pointer;border:1px solid #cfd5e2;background:#fff;border-radius:6px;padding:4px 10px}
  button[aria-pressed=true]{background:#3b5bdb;border-color:#3b5bdb;color:#fff}
  table{border-collapse:collapse;background:#fff} th,td{border:1px solid #e3e7f0;padding:0;text-align:left}
  th{padding:6px 10px;background:#f8f9fc} td button{border:0;border-radius:0;width:100%;min-width:120px;text-align:left;padding:6px 10px}
  td button.active{outline:2px solid #3b5bdb;outline-offset:-2px;background:#edf2ff;color:#1d2433}
  #log{font:12px ui-monospace,monospace;color:#4a5368;list-style:none;padding:0;max-height:30vh;overflow:auto}
  aside{width:min(440px,45vw);border-left:1px solid #e3e7f0;background:#fff;display:flex}
  aside.collapsed{width:0;overflow:hidden;border:0} iframe{flex:1;border:0;width:100%}
`;

// The tables are the organization's platform workspace, so the ids the page reports are the ones the GraphQL API knows.
function renderPage(
  plugin: Plugin,
  workspaceId: string,
  user: PersonLike,
  personId: string,
  tables: readonly TableData[],
): string {
  const tabs = tables
    .map(
      (t) =>
        `<button type="button" class="table-tab" aria-pressed="false" data-table-id="${escapeHtml(t.id)}">${escapeHtml(t.name)}</button>`,
    )
    .join("");
  const name = plugin.name ?? plugin.clientId;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Workspace · Pitchly (local)</title><style>${STYLE}</style></head>
<body data-plugin-origin="${escapeHtml(plugin.origin)}" data-workspace-id="${escapeHtml(workspaceId)}" data-person-id="${escapeHtml(personId)}">
<header><span class="brand">Pitchly <span class="muted">(local)</span></span>
<span>Workspace <code>${escapeHtml(workspaceId)}</code></span>
<span>Signed in as <strong>${escapeHtml(user.name)}</strong> <code>${escapeHtml(personId)}</code></span>
<button type="button" id="toggle-focus">Hide plugin</button></header>
<div class="layout"><main class="workspace">
<nav aria-label="Tables">${tabs}</nav>
${tables.map((t, i) => grid(t, i === 0)).join("\n")}
<p id="status" class="muted">Waiting for the plugin's ready message from <code>${escapeHtml(plugin.origin)}</code>…</p>
<ol id="log" aria-label="Messages"></ol>
</main>
<aside id="plugin-panel"><iframe id="plugin-frame" title="${escapeHtml(name)}" src="${escapeHtml(plugin.url)}"></iframe></aside></div>
<script src="${WORKSPACE_SCRIPT_PATH}"></script>
</body></html>`;
}

function pageHeaders(pluginOrigin: string): Record<string, string> {
  return {
    "Cache-Control": "no-store",
    // frame-src also governs every navigation inside the frame: 'self' lets the plugin's sign-in reach this
    // server's own consent page there, as Pitchly's would.
    "Content-Security-Policy":
      `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; ` +
      `frame-src ${pluginOrigin} 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
}

export interface WorkspacePages {
  /** Answers the workspace page or its script and returns true; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  url(base: string, opts?: WorkspaceUrlOptions): string;
}

export function workspacePages(plugins: readonly MockPlugin[], directory: WorkspaceDirectory, data: DataStore): WorkspacePages {
  const checked = checkPlugins(plugins, directory);
  const notFound = (res: ServerResponse, message: string): void => sendHtml(res, 404, renderErrorPage("Not found", message));

  function page(res: ServerResponse, url: URL): void {
    const workspaceId = url.pathname.slice(WORKSPACE_PREFIX.length);
    if (!WORKSPACE_ID.test(workspaceId)) return notFound(res, "No such workspace.");
    const clientId = url.searchParams.get("plugin") ?? checked.keys().next().value;
    const plugin = clientId === undefined ? undefined : checked.get(clientId);
    if (plugin === undefined) return notFound(res, "No plugin is registered under that client_id.");
    const userId = url.searchParams.get("user");
    const user = userId === null ? directory.defaultUser : directory.users.get(userId);
    if (user === undefined) return notFound(res, "No user has that id.");
    const tables = data.of(user.organizationId).workspace.tables;
    const html = renderPage(plugin, workspaceId, user, user.personId ?? user.id, tables);
    sendText(res, 200, "text/html; charset=utf-8", html, pageHeaders(plugin.origin));
  }

  return {
    handle(req, res) {
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://local.invalid");
      } catch {
        return false; // the main router answers the 400
      }
      const isScript = url.pathname === WORKSPACE_SCRIPT_PATH;
      if (!isScript && !url.pathname.startsWith(WORKSPACE_PREFIX)) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        sendJson(res, 405, { error: "method_not_allowed" }, { Allow: "GET, HEAD" });
      } else if (isScript) {
        const headers = { "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" };
        sendText(res, 200, "text/javascript; charset=utf-8", WORKSPACE_SCRIPT, headers);
      } else page(res, url);
      return true;
    },
    url(base, opts = {}) {
      const clientId = opts.clientId ?? checked.keys().next().value;
      if (clientId === undefined || !checked.has(clientId)) {
        throw new Error(clientId === undefined ? "no plugins are registered" : `unknown plugin ${clientId}`);
      }
      const user = opts.userId === undefined ? directory.defaultUser : directory.users.get(opts.userId);
      if (user === undefined) throw new Error(`unknown userId ${opts.userId ?? ""}`);
      // By default the person's own platform workspace, so `workspace(id)` on the GraphQL API finds it.
      const workspaceId = opts.workspaceId ?? data.of(user.organizationId).workspace.id;
      const url = new URL(`${WORKSPACE_PREFIX}${encodeURIComponent(workspaceId)}`, base);
      url.searchParams.set("plugin", clientId);
      if (opts.userId !== undefined) url.searchParams.set("user", opts.userId);
      return url.toString();
    },
  };
}
