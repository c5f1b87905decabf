// The signed-in user's profile in req.session, bound to its grant: an ended or replaced grant never shows it.
import type { PitchlyProfile } from "../grant/profile";

interface ProfileField {
  grantKey: string;
  profile: PitchlyProfile;
}

type WithProfile = { pitchlyProfile?: ProfileField };

/** Written by the callback right after the sign-in renewed the session (so it lives in the new session only). */
export function keepProfile(session: object, grantKey: string, profile: PitchlyProfile | undefined): void {
  const target = session as WithProfile;
  if (profile === undefined) delete target.pitchlyProfile;
  else target.pitchlyProfile = { grantKey, profile };
}

/** The profile of `grantKey`, or undefined (profile off, another grant's, or none). */
export function profileOf(session: object, grantKey: string): PitchlyProfile | undefined {
  const field = (session as WithProfile).pitchlyProfile;
  return field?.grantKey === grantKey ? field.profile : undefined;
}
