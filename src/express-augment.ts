// Declaration merging: types `req.pitchly` for every Express handler once the package is imported.
import type { PitchlyRequestContext } from "./grant/grant-client";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `requirePitchlyToken()`: the signed-in user's fresh Pitchly token and a GraphQL client. */
      pitchly: PitchlyRequestContext;
    }
  }
}

export {};
