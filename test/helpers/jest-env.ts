// Keeps the package's default stderr logger quiet in test runs; suites that check logs pass their own logger,
// and test/core/newcomer.test.ts checks the default in a child process without this variable.
process.env.PITCHLY_LOG_LEVEL ??= "silent";
