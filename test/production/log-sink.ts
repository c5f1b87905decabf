// Test fixture: a pino logger whose lines the test can read back.
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

export function capturedLogger(level = "trace"): { logger: Logger; lines: string[]; records(): Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level }, sink);
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
