// Runs the Redis adapter suites against a throwaway local redis-server, one file at a time.
import type { Config } from "jest";

const config: Config = {
  preset: "ts-jest",
  testEnvironment: "node",
  moduleNameMapper: {
    "^express-pitchly$": "<rootDir>/src/index.ts",
    "^express-pitchly/testing$": "<rootDir>/src/testing/index.ts",
    "^express-pitchly/browser$": "<rootDir>/src/browser/index.ts",
  },
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testMatch: ["<rootDir>/test/redis/**/*.test.ts"],
  testTimeout: 30000,
  maxWorkers: 1,
};

export default config;
