// Starts a throwaway redis-server on a free loopback port for the Redis adapter tests (no persistence).
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { findOnPath, freePort } from "../helpers/services";

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved). */
  restart(): Promise<void>;
  /** Freezes / thaws the process (SIGSTOP / SIGCONT): connections stay open but nothing answers. */
  pause(): void;
  resume(): void;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let answer = "";
    const done = (ok: boolean) => {
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

export interface RedisServerOptions {
  /** Keep data across stop/restart: append-only file in this directory, fsynced on every write. */
  persistDir?: string;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findOnPath("redis-server");
  if (binary === undefined) throw new Error('redis-server not found: install it with "apt-get install -y redis-server"');
  const port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const persistence = options.persistDir
      ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", options.persistDir]
      : ["--appendonly", "no"];
    const proc = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || `exit code ${proc.exitCode}`}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGCONT");
    proc.kill("SIGKILL");
    await exited;
  };

  // A crashed test run must not leave a server behind.
  process.once("exit", () => child?.kill("SIGKILL"));
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
  };
}
