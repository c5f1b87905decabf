// The callback's and requirePitchlyToken()'s view of the profile: fetched once at login, read from the session after.
import type { Request } from "express";
import { fetchProfile, type PitchlyProfile, type ProfileQuery } from "../grant/profile";
import type { GraphQLClient } from "../pitchly/graphql-client";
import type { TokenSet } from "../pitchly/token-set";
import { keepProfile, profileOf } from "../session/profile-field";
import { requireSession } from "../session/session-access";

export interface LoginProfile {
  /** Runs the identity query with the fresh token (none when the profile is off); throws `profile_failed`. */
  fetch(tokens: TokenSet): Promise<PitchlyProfile | undefined>;
  keep(req: Request, grantKey: string, profile: PitchlyProfile | undefined): void;
  /** Takes the session, not the request: the hot path reads `req.session` once. */
  of: (session: object, grantKey: string) => PitchlyProfile | undefined;
}

export function createLoginProfile(graphql: GraphQLClient, config: ProfileQuery | undefined): LoginProfile {
  return {
    fetch: async (tokens) => (config ? fetchProfile(graphql, tokens.accessToken, config) : undefined),
    keep: (req, grantKey, profile) => keepProfile(requireSession(req), grantKey, profile),
    of: profileOf,
  };
}
