// express-session stores the way apps really have them: one whose touch() rewrites the whole session, on disk.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import session from "express-session";

type Callback = (err?: unknown) => void;

/**
 * Like session-file-store: one JSON file per session, and `touch` writes the session it is handed
 * (the request's copy) in full. Re-opening the same directory is a restart that keeps every session.
 */
export class FileSessionStore extends session.Store {
  constructor(readonly dir: string) {
    super();
    mkdirSync(dir, { recursive: true });
  }

  private file(sid: string): string {
    return path.join(this.dir, `${encodeURIComponent(sid)}.json`);
  }

  private write(sid: string, sess: unknown, cb?: Callback): void {
    writeFile(this.file(sid), JSON.stringify(sess)).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  override get(sid: string, cb: (err: unknown, sess?: session.SessionData | null) => void): void {
    readFile(this.file(sid), "utf8").then(
      (json) => cb(null, JSON.parse(json) as session.SessionData),
      (err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? cb(null, null) : cb(err)),
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    this.write(sid, sess, cb);
  }

  override touch(sid: string, sess: session.SessionData, cb?: Callback): void {
    this.write(sid, sess, cb);
  }

  override destroy(sid: string, cb?: Callback): void {
    rm(this.file(sid), { force: true }).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  /** Every stored session id. */
  ids(): string[] {
    return readdirSync(this.dir).map((f) => decodeURIComponent(f.replace(/\.json$/, "")));
  }
}

export function tempSessionDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "pitchly-sessions-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A session as the store holds it (JSON, as any store serialises it), or null. */
export function loadSession(store: session.Store, sid: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) =>
    store.get(sid, (err, sess) =>
      err ? reject(err) : resolve(sess ? (JSON.parse(JSON.stringify(sess)) as Record<string, unknown>) : null),
    ),
  );
}

/** Every stored session id of a MemoryStore or a FileSessionStore. */
export function sessionIds(store: session.Store): string[] {
  if (store instanceof FileSessionStore) return store.ids();
  return Object.keys((store as unknown as { sessions: Record<string, string> }).sessions);
}
