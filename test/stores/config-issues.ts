// Runs a constructor expected to refuse its options and returns the PitchlyConfigError's issues.
import type { PitchlyConfigError } from "../../src/errors";

export function configIssues(make: () => unknown): readonly string[] {
  try {
    make();
  } catch (err) {
    // By name and code, since an isolated module registry has its own copy of the class.
    expect(err).toMatchObject({ name: "PitchlyConfigError", code: "config_invalid" });
    return (err as PitchlyConfigError).issues;
  }
  throw new Error("expected a PitchlyConfigError");
}

/** The issues when `build` (which requires the store's module itself) runs with `driver` not installed. */
export function missingDriverIssues(driver: string, build: () => unknown): readonly string[] {
  jest.doMock(driver, () => {
    throw Object.assign(new Error(`Cannot find module '${driver}' from 'src/stores'`), { code: "MODULE_NOT_FOUND" });
  });
  try {
    let issues: readonly string[] = [];
    jest.isolateModules(() => {
      issues = configIssues(build);
    });
    return issues;
  } finally {
    jest.dontMock(driver);
  }
}
