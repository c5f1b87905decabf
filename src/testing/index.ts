// Public entry of express-pitchly/testing: the local Pitchly server and its types, and the store contract suites.
export { startMockPitchly } from "./server";
export { secretMarker, type RecordedRequest } from "./request-log";
export { DEFAULT_ORGANIZATION, DEFAULT_USER } from "./directory";
export type {
  Fault,
  Generation,
  MockClient,
  MockFaults,
  MockOrganization,
  MockPitchly,
  MockPitchlyOptions,
  MockPlugin,
  MockStats,
  MockTokenResponse,
  MockUser,
} from "./types";
export { tokenStoreContract } from "./token-store-contract";
export { lockingStoreContract, refreshLockContract } from "./refresh-lock-contract";
export {
  ContractFailedError,
  type ContractCaseResult,
  type ContractFactory,
  type ContractRunner,
  type ContractSummary,
  type RunnerOption,
  type StoreContract,
} from "./contract-runner";
