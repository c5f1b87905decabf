// Runs every suite under Express 5 and the core, security and oidc-provider suites again under Express 4.
import type { Config } from "jest";
import { shared } from "./jest.shared";

const config: Config = {
  testTimeout: 20000,
  projects: [
    {
      ...shared,
      displayName: "express5",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "/test/redis/", "/test/postgres/", "/test/e2e/"],
    },
    {
      ...shared,
      displayName: "express4",
      testMatch: [
        "<rootDir>/test/core/**/*.test.ts",
        "<rootDir>/test/security/**/*.test.ts",
        "<rootDir>/test/session/**/*.test.ts",
        "<rootDir>/test/http/**/*.test.ts",
        "<rootDir>/test/production/**/*.test.ts",
        "<rootDir>/test/architecture/**/*.test.ts",
        "<rootDir>/test/oidc/**/*.test.ts",
      ],
      moduleNameMapper: { ...shared.moduleNameMapper, "^express$": "express4" },
    },
  ],
};

export default config;
