// The ts-jest setup every jest config shares: package self-imports resolve to src/, ESM ".js" specifiers to TS.
import type { Config } from "jest";

export const shared = {
  preset: "ts-jest",
  testEnvironment: "node",
  moduleNameMapper: {
    "^express-pitchly$": "<rootDir>/src/index.ts",
    "^express-pitchly/testing$": "<rootDir>/src/testing/index.ts",
    "^express-pitchly/browser$": "<rootDir>/src/browser/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  } as Record<string, string>,
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFiles: ["<rootDir>/test/helpers/jest-env.ts"],
} satisfies Config;
