// HTTP plumbing shared by the local Pitchly's endpoints: bounded body reading, answers, HTML escaping.
import type { IncomingMessage, ServerResponse } from "node:http";

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super("request body exceeds 1 MB");
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  // Refuse early on a declared size so a huge upload is never buffered.
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on("data", (chunk: Buffer) => {
      if (settled) return; // keep draining so the 413 can still be read by the client
      size += chunk.length;
      if (size > limit) {
        settled = true;
        reject(new BodyTooLargeError());
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
  });
}

export function hasContentType(req: IncomingMessage, expected: string): boolean {
  const header = req.headers["content-type"];
  if (!header) return false;
  return header.split(";")[0]?.trim().toLowerCase() === expected;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  // Headers given by the caller (a fault's content-type) win over the default, whatever their case.
  const given = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const base = given.has("content-type") ? {} : { "Content-Type": contentType };
  res.writeHead(status, { ...base, ...headers, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const HTML_HEADERS: Record<string, string> = {
  "Cache-Control": "no-store",
  // A plugin signs in inside the frame of this server's own workspace page: framing by this origin only,
  // as Pitchly's consent page is framed by Pitchly alone.
  "X-Frame-Options": "SAMEORIGIN",
  // No form-action: browsers apply it to the redirect that follows the form post, which leaves this origin.
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-ancestors 'self'",
  "Referrer-Policy": "no-referrer",
};

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  sendText(res, status, "text/html; charset=utf-8", html, HTML_HEADERS);
}

export function redirect(res: ServerResponse, location: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(302, { Location: location, "Cache-Control": "no-store", "Content-Length": 0 });
  res.end();
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}
