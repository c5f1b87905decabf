// Runs the PostgreSQL suites (adapter, encryption, many processes, database down) against throwaway local clusters, one file at a time.
import type { Config } from "jest";
import { shared } from "./jest.shared";

const config: Config = {
  ...shared,
  testMatch: ["<rootDir>/test/postgres/**/*.test.ts"],
  testTimeout: 60000,
  maxWorkers: 1,
  // These suites start servers, child processes and drivers with reconnect timers; a handle one of them leaves
  // behind must not hold a CI run until its timeout once every test has finished and reported.
  forceExit: true,
};

export default config;
