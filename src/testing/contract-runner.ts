// The framework-neutral plumbing of the store contracts: the runner they register on, and the standalone run.

/**
 * Where a contract registers its cases: jest's, vitest's, mocha's or `node:test`'s `describe` and `test`
 * (mocha's BDD `it` works as `test`). Each case builds its own store and cleans it up itself, so `beforeEach`
 * and `afterEach` are never needed; they are accepted so `{ describe, test, beforeEach, afterEach }` type-checks.
 */
export interface ContractRunner {
  describe(name: string, body: () => void): unknown;
  test(name: string, fn: () => Promise<void>): unknown;
  beforeEach?(fn: () => unknown): unknown;
  afterEach?(fn: () => unknown): unknown;
}

/**
 * Builds a fresh subject for one case: the store (or lock) alone, or `{ store, cleanup }` (`{ lock, cleanup }` for a
 * lock) when it needs closing after the case. Keys are unique per case, so one shared backend is fine.
 */
export type ContractFactory<S, K extends string = "store"> = () =>
  S | ({ [key in K]: S } & { cleanup?: () => unknown }) | Promise<S | ({ [key in K]: S } & { cleanup?: () => unknown })>;

/** How a contract tells a bare subject from `{ [field]: subject, cleanup }`: the field, and a method only a subject has. */
export type Unwrap = { field: string; method: string };

/** One case of the standalone run. */
export interface ContractCaseResult {
  name: string;
  passed: boolean;
  error?: unknown;
}

/** The outcome of {@link StoreContract.run}. */
export interface ContractSummary {
  suite: string;
  passed: number;
  failed: number;
  results: ContractCaseResult[];
}

/** Thrown by {@link StoreContract.run} when any case failed; `summary` holds every result. */
export class ContractFailedError extends Error {
  constructor(readonly summary: ContractSummary) {
    const failures = summary.results.filter((r) => !r.passed);
    const lines = failures.map((r) => `  ✗ ${r.name}: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
    super(`${summary.suite}: ${summary.failed} of ${summary.results.length} cases failed\n${lines.join("\n")}`);
    this.name = "ContractFailedError";
  }
}

/** A contract suite: registered on the runner when one was given or found, and runnable on its own. */
export interface StoreContract {
  /** The describe block's name, e.g. `"MongoTokenStore (TokenStore contract)"`. */
  readonly suite: string;
  /** The cases' names, in order. */
  readonly cases: readonly string[];
  /**
   * Runs every case in order, outside any test framework (each with a fresh store and its cleanup).
   * Resolves the summary when all pass; rejects with a {@link ContractFailedError} (carrying it) otherwise.
   */
  run(): Promise<ContractSummary>;
}

/** `runner` as the contracts take it: a runner, `"standalone"` (register nowhere), or omitted (the globals). */
export type RunnerOption = ContractRunner | "standalone" | undefined;

/** A case receives the subject under test (a store, a lock, or both). */
export type ContractCase<S> = [name: string, body: (subject: S) => Promise<void>];

/** jest's, vitest's (`globals: true`) or mocha's globals when they are there; otherwise `undefined`. */
export function globalRunner(): ContractRunner | undefined {
  const g = globalThis as Record<string, unknown>;
  const describe = g.describe;
  const test = g.test ?? g.it;
  if (typeof describe !== "function" || typeof test !== "function") return undefined;
  return { describe: describe as ContractRunner["describe"], test: test as ContractRunner["test"] };
}

type AnyFactory = () => unknown;

async function open<S>(factory: AnyFactory, { field, method }: Unwrap) {
  const made = (await factory()) as Record<string, unknown>;
  if (typeof made[method] === "function") return { subject: made as S, cleanup: async () => {} };
  const cleanup = made.cleanup as (() => unknown) | undefined;
  return { subject: made[field] as S, cleanup: async () => void (await cleanup?.()) };
}

/** Runs one case against a fresh subject, always cleaning up (a cleanup failure fails a passing case). */
async function runCase<S>(factory: AnyFactory, unwrap: Unwrap, body: ContractCase<S>[1]) {
  const { subject, cleanup } = await open<S>(factory, unwrap);
  try {
    await body(subject);
  } finally {
    await cleanup();
  }
}

/** Registers `cases` under one describe block (unless standalone) and returns the runnable suite. */
export function defineContract<S>(
  suite: string,
  factory: AnyFactory,
  unwrap: Unwrap,
  cases: ReadonlyArray<ContractCase<S>>,
  runner: RunnerOption,
): StoreContract {
  const target = runner === "standalone" ? undefined : (runner ?? globalRunner());
  if (target) {
    target.describe(suite, () => {
      for (const [name, body] of cases) target.test(name, () => runCase(factory, unwrap, body));
    });
  }
  return {
    suite,
    cases: cases.map(([name]) => name),
    async run() {
      const results: ContractCaseResult[] = [];
      for (const [name, body] of cases) {
        try {
          await runCase(factory, unwrap, body);
          results.push({ name, passed: true });
        } catch (error) {
          results.push({ name, passed: false, error });
        }
      }
      const failed = results.filter((r) => !r.passed).length;
      const summary: ContractSummary = { suite, passed: results.length - failed, failed, results };
      if (failed > 0) throw new ContractFailedError(summary);
      return summary;
    },
  };
}

let counter = 0;
/** A key no other case (or process) uses, so cases can share one backend. */
export const freshKey = (label: string): string => `${label}-${process.pid}-${Date.now()}-${++counter}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
