// Starts app processes (test/fixtures/app-process.ts under tsx) and waits for each to report its port.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { AppProcessConfig } from "../fixtures/app-process";

export type { AppProcessConfig };

export interface AppProcess {
  port: number;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startAppProcess(config: AppProcessConfig): Promise<AppProcess> {
  const child = fork(path.join(__dirname, "../fixtures/app-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, APP_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`app process exited early with code ${code}`)));
  });
  return {
    port,
    child,
    kill(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}
