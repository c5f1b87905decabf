// Real-browser suite (npm run test:e2e): Debian's chromium driven by playwright-core against the demo's two servers.
import type { Config } from "jest";
import { shared } from "./jest.shared";

const config: Config = {
  ...shared,
  testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
  testTimeout: 60000,
  maxWorkers: 1,
};

export default config;
