// Records every byte the app sends to the "browser" and every log line, so tests can hunt for leaked secrets.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

/**
 * Prefixed credentials the local Pitchly issues: platform access tokens (plyu_), refresh tokens (prt_) and codes
 * (pac_), each the prefix and 32 random bytes in base64url. A bare "prt_" search would also hit random base64url
 * (states, session ids contain it by chance, about one suite run in a hundred); the full shape cannot. v2 access
 * tokens have no prefix (as on Pitchly): the harness checks for every value in mock.issuedSecrets() instead.
 */
export const ISSUED = /(?:plyu|prt|pac)_[A-Za-z0-9_-]{43}/;

export interface Recording {
  /** Raw bytes written to client sockets (status lines, headers and bodies), in order per socket. */
  wire(): string;
  /** One entry per log line, as pino wrote it. */
  logs: string[];
}

/** Patches every accepted socket so each write (headers, chunks, end) is copied before it leaves. */
export function recordServer(server: Server, into: Buffer[]): void {
  server.on("connection", function recordSocket(socket: Socket) {
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    const end = socket.end.bind(socket) as (...args: unknown[]) => Socket;
    const keep = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === "string")
        into.push(Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
      else if (chunk instanceof Uint8Array) into.push(Buffer.from(chunk));
    };
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as Socket["write"];
    socket.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk !== undefined && typeof chunk !== "function") keep(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as Socket["end"];
  });
}

/** A pino logger at trace level whose every line lands in `lines`. */
export function recordingLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return pino({ level: "trace" }, sink);
}

/** Every place a secret showed up: which secret (or prefix), and where. */
export function findLeaks(recording: Recording, secrets: Iterable<string>): string[] {
  const wire = recording.wire();
  const logs = recording.logs.join("");
  const found: string[] = [];
  for (const [where, text] of [
    ["browser", wire],
    ["log", logs],
  ] as const) {
    const issued = ISSUED.exec(text);
    if (issued) found.push(`${where} saw an issued credential: ${around(text, issued[0])}`);
  }
  for (const needle of [...secrets].filter((s) => s.length >= 8)) {
    if (wire.includes(needle)) found.push(`browser saw ${JSON.stringify(needle.slice(0, 12))}…: ${around(wire, needle)}`);
    if (logs.includes(needle)) found.push(`log saw ${JSON.stringify(needle.slice(0, 12))}…: ${around(logs, needle)}`);
  }
  return found;
}

function around(text: string, needle: string): string {
  const at = text.indexOf(needle);
  return JSON.stringify(text.slice(Math.max(0, at - 80), at + needle.length + 40));
}
