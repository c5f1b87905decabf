// Ends a signed-in grant for good: out of the session, out of the token store, and out of stale saves.
import type { Core } from "./core";
import type { SessionWithPitchly } from "./session-access";

/**
 * A tombstone outranks every rotation. express-session saves each request's copy of the session when
 * it ends, so a request still in flight when the user signs out would write the grant back under the
 * old session id (reviving a cookie that logout promised was dead). Grant records serialise the
 * newest rev this process knows, so such a save writes this token-less record instead.
 */
const TOMBSTONE_REV = Number.MAX_SAFE_INTEGER;

export async function endGrant(core: Core, session: SessionWithPitchly, grantKey: string): Promise<void> {
  core.registry.record({ grantKey, rev: TOMBSTONE_REV });
  if (session.pitchly?.grantKey === grantKey) delete session.pitchly;
  if (core.store) {
    await core.store.delete(grantKey).catch((err: unknown) => {
      core.logger.warn({ err }, "could not delete the grant from the token store");
    });
  }
}
