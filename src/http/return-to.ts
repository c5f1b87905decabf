// Accepts a post-login destination only when it is a path on this very origin.

const PROBE_ORIGIN = "http://pitchly-return-to.invalid";
const MAX_LENGTH = 2048;

/**
 * Parses like a browser would (backslashes, tabs and newlines included) and keeps the result
 * only if it stays on our origin and cannot be re-read as scheme-relative.
 */
export function safeReturnTo(candidate: unknown): string | undefined {
  if (typeof candidate !== "string" || candidate.length === 0 || candidate.length > MAX_LENGTH) return undefined;
  // Controls (CR/LF, tabs, NUL) are never part of a path we issued; browsers strip some and split on others.
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return undefined;
  if (!candidate.startsWith("/") || candidate.startsWith("//")) return undefined;
  let url: URL;
  try {
    url = new URL(candidate, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE_ORIGIN) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot-segments can normalise "/.//evil" into "//evil".
  if (!path.startsWith("/") || path.startsWith("//")) return undefined;
  return path;
}
