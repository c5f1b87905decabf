// Public entry of express-pitchly/testing: the local Pitchly server and its types.
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
