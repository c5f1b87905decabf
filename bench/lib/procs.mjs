// Forks the bench's child processes (servers, local Pitchly) and talks to them over IPC.
import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SERVERS = fileURLToPath(new URL("../servers/", import.meta.url));
export const PROFILE_DIR = fileURLToPath(new URL("../.cache/prof/", import.meta.url));

/**
 * Starts bench/servers/<name>.cjs. `gc` adds --expose-gc; `profile` (or BENCH_PROFILE naming this
 * child) adds --cpu-prof, written to bench/.cache/prof/ when the child exits through `exit`.
 */
export async function startChild(name, { env = {}, gc = false, profile = false, label = name } = {}) {
  const execArgv = [];
  if (gc) execArgv.push("--expose-gc");
  const profiled = profile || (process.env.BENCH_PROFILE ?? "").split(",").includes(label);
  if (profiled) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`);
    execArgv.push(`--cpu-prof-interval=${process.env.BENCH_PROFILE_INTERVAL_US ?? 250}`);
  }
  const child = fork(`${SERVERS}${name}.cjs`, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${label} exited early (code ${code})`)));
    child.on("message", (msg) => {
      if (msg?.type === "ready") return resolve(msg);
      const waiter = pending.get(msg?.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(`${label}: ${msg.error}`));
    });
  });
  const info = await ready;
  child.once("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${label} exited (code ${code})`));
    pending.clear();
  });
  const rpc = (cmd, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, args });
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await rpc("exit").catch(() => {});
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill();
  };
  return {
    label,
    pid: child.pid,
    origin: info.port ? `http://127.0.0.1:${info.port}` : undefined,
    url: info.url,
    rpc,
    stop,
  };
}

/** Server CPU (user + system) in microseconds, as the child itself measures it. */
export async function cpuMicros(server) {
  const u = await server.rpc("cpu");
  return u.user + u.system;
}
