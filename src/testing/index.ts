// Public entry of express-pitchly/testing: the local Pitchly server and its types.
export { startMockPitchly } from "./server";
export type {
  Fault,
  MockClient,
  MockFaults,
  MockPitchly,
  MockPitchlyOptions,
  MockPlugin,
  MockStats,
  MockTokenResponse,
  MockUser,
} from "./types";
