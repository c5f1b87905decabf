// ESLint 9 flat config: typescript-eslint's recommended rules everywhere, type-aware ones for the package (src/).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "coverage/", ".tmp/", "bench/.cache/", "node_modules/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
    rules: {
      // The package compiles to CommonJS: require() is how it loads an optional driver only when its store is built,
      // and how tests load a fresh module graph inside jest.isolateModules. import() would make both asynchronous.
      "@typescript-eslint/no-require-imports": "off",
      // `_next` keeps Express's four-argument error-handler signature; `_x` in a rest pattern omits a property.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Rejecting control characters (CR/LF, NUL) in returnTo and headers is a security check: naming them is the point.
      "no-control-regex": "off",
      // Requiring a built-in (`const { performance } = require("node:perf_hooks")`) is not a redeclaration bug.
      "no-redeclare": ["error", { builtinGlobals: false }],
    },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
  { files: ["demo-app/public/**/*.js"], languageOptions: { globals: { ...globals.browser } } },
  {
    // Type-aware rules for the package only: in tests they mostly flag supertest's untyped `res.body`.
    files: ["src/**/*.ts"],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // The package logs through pino (src/logger.ts), which redacts secrets; console would bypass the redaction.
      "no-console": "error",
      // Stores and backends implement Promise contracts: `async` turns a synchronous throw (a SQLite error) into a
      // rejection the caller maps to 503, even where the body has nothing to await.
      "@typescript-eslint/require-await": "off",
      // express-session's callbacks hand over an untyped error (narrowed to `{}` by the truthiness check); it is
      // passed on as it came, which is right for a wrapper.
      "@typescript-eslint/prefer-promise-reject-errors": "off",
    },
  },
  // no-console for every file under src/, JavaScript too, should one appear.
  { files: ["src/**"], rules: { "no-console": "error" } },
);
