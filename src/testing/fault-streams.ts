// The two faults that never end in one write: a huge chunked answer and a trickle of bytes.
import type { ServerResponse } from "node:http";

const CHUNK = Buffer.alloc(64 * 1024, "x");

/** `total` bytes, chunked (no Content-Length), written with backpressure so a reader that stops is not flooded. */
export function streamBytes(res: ServerResponse, total: number, headers: Record<string, string> = {}): void {
  res.writeHead(200, { "Content-Type": "application/json", ...headers });
  let written = 0;
  const pump = (): void => {
    while (written < total && !res.destroyed) {
      const chunk = total - written >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - written);
      written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/** Headers and `{` at once, then one space every `everyMs` until the caller hangs up. */
export function trickle(res: ServerResponse, everyMs: number, headers: Record<string, string> = {}): NodeJS.Timeout {
  res.writeHead(200, { "Content-Type": "application/json", ...headers });
  res.write("{");
  const timer = setInterval(() => {
    if (res.destroyed) return void clearInterval(timer);
    res.write(" ");
  }, everyMs);
  return timer;
}
