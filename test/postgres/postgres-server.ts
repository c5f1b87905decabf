// Starts a throwaway PostgreSQL cluster (Debian's initdb + pg_ctl) in a temp dir on a free loopback port; stops it by pid.
import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { findOnPath, freePort, processGone, sleep } from "../helpers/services";

const run = promisify(execFile);
export const INSTALL_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) not found: install them with "apt-get install -y postgresql"';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication: loopback, throwaway). */
  url: string;
  port: number;
  /** The server binaries' directory (pg_dump lives there too). */
  binDir: string;
  /** Fast shutdown by the postmaster's pid; the data stays for `restart`. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and deletes the cluster. */
  destroy(): Promise<void>;
}

/** Debian installs each major version under /usr/lib/postgresql/N/bin, off PATH; the newest wins. */
export function findBinDir(root = "/usr/lib/postgresql"): string | undefined {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest !== undefined) return join(root, newest, "bin");
  const onPath = findOnPath("pg_ctl");
  return onPath && findOnPath("initdb") ? join(onPath, "..") : undefined;
}

/** initdb and postgres refuse to run as root: as root, run them as Debian's `postgres` user. */
function runAs(): { prefix: string[]; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error(`running as root and no "postgres" user to run the server as: ${INSTALL_HINT}`);
  return { prefix: ["runuser", "-u", "postgres", "--"], uid: Number(uid), gid: Number(gid) };
}

export interface PostgresServerOptions {
  /** Where the versioned server directories are (Debian: /usr/lib/postgresql); PATH is tried after. */
  root?: string;
}

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = findBinDir(options.root);
  if (binDir === undefined) throw new Error(INSTALL_HINT);
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), "pitchly-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const exec = (binary: string, args: string[]) => {
    const [command, ...rest] = [...(user?.prefix ?? []), join(binDir, binary), ...args];
    return run(command as string, rest, { timeout: 60_000 });
  };
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  const port = await freePort();
  let pid: number | undefined;

  const start = async (): Promise<void> => {
    // Durability off: a throwaway cluster, stopped cleanly (a fast shutdown still writes everything out).
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    await exec("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", settings, "start"]).catch(
      (err: Error) => {
        const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
        throw new Error(`postgres did not start on port ${port}: ${err.message}\n${log.slice(-2000)}`);
      },
    );
    pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  };

  const stop = async (): Promise<void> => {
    const target = pid;
    pid = undefined;
    if (target === undefined || processGone(target)) return;
    process.kill(target, "SIGINT");
    for (let waited = 0; !processGone(target); waited += 50) {
      if (waited > 15_000) process.kill(target, "SIGKILL");
      await sleep(50);
    }
  };

  // A crashed test run must not leave a cluster behind (immediate shutdown, then the files).
  process.once("exit", () => {
    if (pid !== undefined && !processGone(pid)) process.kill(pid, "SIGQUIT");
    rmSync(dir, { recursive: true, force: true });
  });
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    binDir,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database's data as pg_dump writes it: what an attacker with a backup would read. */
export function dumpDatabase(server: PostgresServer, database = "postgres"): string {
  const url = server.url.replace(/\/postgres$/, `/${database}`);
  return execFileSync(join(server.binDir, "pg_dump"), ["--data-only", "--dbname", url], { encoding: "utf8" });
}

/** A pool for the tests' own queries: bounded waits, and no crash when a stopped server drops its connections. */
export function testPool(url: string, extra: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000, query_timeout: 10_000, ...extra });
  pool.on("error", () => undefined);
  return pool;
}
