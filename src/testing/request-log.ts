// Records every request the local Pitchly receives, secrets replaced by a fingerprint so a dumped log leaks nothing.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  /** Lower-case names; authorization and cookie values fingerprinted. */
  headers: Record<string, string>;
  /** The body as received, with secret form fields and GraphQL token variables fingerprinted. */
  body: string;
  /** Set when the answer is over: the status sent (0 = none), and whether the caller hung up first. */
  status?: number;
  aborted?: boolean;
  /** Bytes written to the socket while answering this request. */
  bytesWritten?: number;
}

const MAX_KEPT = 10_000;
const SECRET_FORM_FIELDS = ["client_secret", "code", "code_verifier", "refresh_token", "access_token", "client_assertion"];
const SECRET_VARIABLES = ["accessToken", "secretKey"];

/** What a secret looks like in `mock.requests`: compare with `secretMarker(expected)` instead of the value itself. */
export function secretMarker(value: string): string {
  return `[secret:${createHash("sha256").update(value).digest("hex").slice(0, 16)}]`;
}

function redactHeader(name: string, value: string): string {
  if (name === "cookie") return secretMarker(value);
  if (name !== "authorization") return value;
  const space = value.indexOf(" ");
  return space < 0 ? secretMarker(value) : `${value.slice(0, space)} ${secretMarker(value.slice(space + 1))}`;
}

function redactBody(contentType: string, body: string): string {
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(body);
    for (const key of SECRET_FORM_FIELDS) {
      const values = form.getAll(key);
      if (values.length === 0) continue;
      form.delete(key);
      for (const v of values) form.append(key, secretMarker(v));
    }
    return form.toString();
  }
  try {
    const json = JSON.parse(body) as { variables?: Record<string, unknown> };
    if (!json || typeof json !== "object" || !json.variables || typeof json.variables !== "object") return body;
    for (const key of SECRET_VARIABLES) {
      const v = json.variables[key];
      if (typeof v === "string") json.variables[key] = secretMarker(v);
    }
    return JSON.stringify(json);
  } catch {
    return body;
  }
}

export class RequestLog {
  readonly requests: RecordedRequest[] = [];

  record(req: IncomingMessage, res: ServerResponse, body: string): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = redactHeader(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const entry: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers,
      body: redactBody(headers["content-type"] ?? "", body),
    };
    const socket = res.socket;
    const before = socket?.bytesWritten ?? 0;
    res.once("close", () => {
      entry.status = res.headersSent ? res.statusCode : 0;
      entry.aborted = !res.writableFinished;
      entry.bytesWritten = (socket?.bytesWritten ?? before) - before;
    });
    this.requests.push(entry);
    if (this.requests.length > MAX_KEPT) this.requests.shift();
  }
}
