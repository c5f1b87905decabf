// Throwaway redis-server and PostgreSQL cluster for the "token stores" section (ported from test/redis and test/postgres).
import { execFile, spawn } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const INSTALL_HINT = "apt-get install -y redis-server postgresql";

function findOnPath(command) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Gone, or a zombie nobody reaps. */
function processGone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** Debian installs each major version under /usr/lib/postgresql/N/bin, off PATH; the newest wins. */
function findPgBinDir(root = "/usr/lib/postgresql") {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest !== undefined) return join(root, newest, "bin");
  const onPath = findOnPath("pg_ctl");
  return onPath && findOnPath("initdb") ? join(onPath, "..") : undefined;
}

/** What is missing to run the section, or undefined when both services can start. */
export function servicesMissing() {
  const missing = [];
  if (!findOnPath("redis-server")) missing.push("redis-server");
  if (!findPgBinDir()) missing.push("postgres (initdb, pg_ctl)");
  return missing.length ? missing : undefined;
}

function redisPing(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let answer = "";
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
    socket.write("PING\r\n");
  });
}

/** redis-server on a free loopback port, no persistence; `stop()` kills it by pid. */
export async function startRedis() {
  const binary = findOnPath("redis-server");
  if (!binary) throw new Error(`redis-server not found: ${INSTALL_HINT}`);
  const port = await freePort();
  const proc = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (chunk) => (stderr += chunk.toString()));
  const kill = () => {
    if (proc.exitCode === null && proc.signalCode === null) process.kill(proc.pid, "SIGKILL");
  };
  process.once("exit", kill);
  const deadline = Date.now() + 10_000;
  while (!(await redisPing(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      kill();
      throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || `exit code ${proc.exitCode}`}`);
    }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: proc.pid,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      kill();
      await exited;
    },
  };
}

/** initdb and postgres refuse to run as root: as root, run them as Debian's `postgres` user. */
function runAs() {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`running as root and no "postgres" user: ${INSTALL_HINT}`);
  return { prefix: ["runuser", "-u", "postgres", "--"], uid: Number(uid), gid: Number(gid) };
}

/** A throwaway cluster (initdb + pg_ctl) in a temp dir on a free port; `stop()` shuts it down by pid and deletes it. */
export async function startPostgres() {
  const binDir = findPgBinDir();
  if (!binDir) throw new Error(`PostgreSQL server binaries not found: ${INSTALL_HINT}`);
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), "pitchly-bench-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const exec = (binary, args) => {
    const [command, ...rest] = [...(user?.prefix ?? []), join(binDir, binary), ...args];
    return run(command, rest, { timeout: 60_000 });
  };
  let pid;
  const cleanup = () => {
    if (pid !== undefined && !processGone(pid)) process.kill(pid, "SIGQUIT");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  try {
    await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]);
    const port = await freePort();
    // Durability off: a throwaway cluster.
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    await exec("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", settings, "start"]).catch((err) => {
      const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
      throw new Error(`postgres did not start on port ${port}: ${err.message}\n${log.slice(-2000)}`);
    });
    pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      pid,
      stop: async () => {
        const target = pid;
        pid = undefined;
        if (target !== undefined && !processGone(target)) {
          process.kill(target, "SIGINT");
          for (let waited = 0; !processGone(target); waited += 50) {
            if (waited > 15_000) process.kill(target, "SIGKILL");
            await sleep(50);
          }
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
