// Escaping for the demo's server-rendered pages: every interpolated value is escaped unless it is already SafeHtml.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Markup that was built from escaped parts, so it may be inserted as it is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(part);
}

/** Tagged template: `html\`<p>${name}</p>\`` escapes `name`; nested html`` results and arrays pass through. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** A time of day for people ("14:03:07"), or a dash when there is none yet. */
export function clock(ms: number | undefined): string {
  if (ms === undefined) return "—";
  return new Date(ms).toTimeString().slice(0, 8);
}

/** "1h 59m 58s" until `expiresAt`, the same text the countdown script keeps updating. */
export function remaining(expiresAt: number, now = Date.now()): string {
  const total = Math.max(0, Math.floor((expiresAt - now) / 1000));
  if (total === 0) return "expired";
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}
