// Reads callback/login parameters from the raw URL, strictly and the same way under Express 4 (qs) and 5.

export type ParamResult = { kind: "absent" } | { kind: "one"; value: string } | { kind: "malformed" };

/** Each key's values in order; `null` marks a value whose percent-encoding was broken. */
export type RawQuery = ReadonlyMap<string, ReadonlyArray<string | null>>;

const MAX_PARAM_LENGTH = 4096;

/** Strict form decoding: `%ZZ`, a lone `%` or invalid UTF-8 is an error, not a silent U+FFFD. */
function decode(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

export function rawQuery(req: { originalUrl: string }): RawQuery {
  const url = req.originalUrl;
  const at = url.indexOf("?");
  const params = new Map<string, Array<string | null>>();
  if (at === -1) return params;
  const hash = url.indexOf("#", at);
  for (const pair of url.slice(at + 1, hash === -1 ? undefined : hash).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    // A key we cannot decode cannot be one of ours; its value is irrelevant.
    if (key === null) continue;
    const values = params.get(key) ?? [];
    values.push(eq === -1 ? "" : decode(pair.slice(eq + 1)));
    params.set(key, values);
  }
  return params;
}

/** Exactly one non-empty, well-encoded, reasonably sized value, or a precise reason why not. */
export function single(params: RawQuery, name: string): ParamResult {
  const values = params.get(name) ?? [];
  if (values.length === 0) return { kind: "absent" };
  const [value] = values;
  if (values.length > 1 || typeof value !== "string" || value.length === 0 || value.length > MAX_PARAM_LENGTH) {
    return { kind: "malformed" };
  }
  return { kind: "one", value };
}

/** Structured variants (`state[]`, `state[x]`) that only a qs-style parser would fold into `state`. */
export function hasStructured(params: RawQuery, name: string): boolean {
  for (const key of params.keys()) if (key !== name && key.startsWith(`${name}[`)) return true;
  return false;
}
