// Reads callback/login parameters from the raw URL, the same way under Express 4 (qs) and 5.
import type { Request } from "express";

export type ParamResult = { kind: "absent" } | { kind: "one"; value: string } | { kind: "malformed" };

const MAX_PARAM_LENGTH = 4096;

export function rawQuery(req: Request): URLSearchParams {
  const url = req.originalUrl;
  const at = url.indexOf("?");
  return new URLSearchParams(at === -1 ? "" : url.slice(at + 1));
}

/** Exactly one non-empty, reasonably sized value, or a precise reason why not. */
export function single(params: URLSearchParams, name: string): ParamResult {
  const values = params.getAll(name);
  if (values.length === 0) return { kind: "absent" };
  const [value] = values;
  if (values.length > 1 || value === undefined || value.length === 0 || value.length > MAX_PARAM_LENGTH) {
    return { kind: "malformed" };
  }
  return { kind: "one", value };
}

/** Structured variants (`state[]`, `state[x]`) that only a qs-style parser would fold into `state`. */
export function hasStructured(params: URLSearchParams, name: string): boolean {
  for (const key of params.keys()) if (key !== name && key.startsWith(`${name}[`)) return true;
  return false;
}
