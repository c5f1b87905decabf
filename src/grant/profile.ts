// Who signed in: one identity query at login, mapped to a small profile that is kept with the grant.
import { z } from "zod";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import type { Generation } from "../pitchly/endpoints";
import type { GraphQLClient, GraphQLVariables } from "../pitchly/graphql-client";
import { RETRY_AFTER_SECONDS } from "../pitchly/unavailable";

/** The signed-in user as `req.pitchly.profile` and `onLogin` see it. Not a secret, but kept small (4 KB). */
export interface PitchlyProfile {
  id: string;
  name?: string | null;
  email?: string | null;
  image?: string | null;
  organizationId?: string | null;
  tier?: string | null;
  /** A custom mapper may add a few small scalar fields of its own. */
  [field: string]: string | number | boolean | null | undefined;
}

/** The `profile` option's object form: the app's own query (v2 has no documented identity query) and mapper. */
export interface ProfileQuery {
  query: string;
  variables?: GraphQLVariables;
  /** Turns the query's `data` into the profile; throwing fails the sign-in with `profile_failed`. */
  map(data: unknown): PitchlyProfile;
}

/** Pitchly's own login reads exactly this right after the code exchange (PITCHLY.md, "Who signed in"). */
export const PLATFORM_IDENTITY_QUERY =
  "query PitchlyIdentity { organization { id } viewer { person { id name email image } tier tierSettings } }";

interface PlatformIdentity {
  organization?: { id?: string } | null;
  viewer?: { person?: { id?: string; name?: string; email?: string; image?: string | null } | null; tier?: string } | null;
}

export const platformProfile: ProfileQuery = {
  query: PLATFORM_IDENTITY_QUERY,
  map(data) {
    const { organization, viewer } = (data ?? {}) as PlatformIdentity;
    const person = viewer?.person;
    if (!person?.id) throw new Error("the identity query returned no viewer.person (an app token, not a user's?)");
    return {
      id: person.id,
      name: person.name ?? null,
      email: person.email ?? null,
      image: person.image ?? null,
      organizationId: organization?.id ?? null,
      tier: viewer?.tier ?? null,
    };
  },
};

/** `profile` option → what to fetch at login: platform default on, v2 default off, `false` off. */
export function resolveProfile(option: ProfileQuery | false | undefined, platform: Generation): ProfileQuery | undefined {
  if (option === false) return undefined;
  return option ?? (platform === "platform" ? platformProfile : undefined);
}

const MAX_PROFILE_BYTES = 4096;
const text = z.string().max(1024).nullish();
const profileSchema = z
  .object({ id: z.string().min(1).max(256), name: text, email: text, image: text, organizationId: text, tier: text })
  .catchall(z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]));

function failed(message: string, cause?: unknown): PitchlyAuthError {
  // An outage stays an outage (503, try again shortly); anything else is a failed sign-in.
  const outage = isPitchlyAuthError(cause, "pitchly_unavailable");
  return new PitchlyAuthError("profile_failed", `could not read who signed in: ${message}`, {
    status: outage ? 503 : 502,
    ...(cause !== undefined && { cause }),
    ...(outage && { retryAfter: cause.retryAfter ?? RETRY_AFTER_SECONDS }),
  });
}

/** Runs the identity query once with the freshly exchanged token; any failure is `profile_failed`. */
export async function fetchProfile(graphql: GraphQLClient, accessToken: string, config: ProfileQuery): Promise<PitchlyProfile> {
  let data: unknown;
  try {
    const outcome = await graphql.post<unknown>(accessToken, config.query, config.variables);
    if (!outcome.ok) throw failed("Pitchly refused the freshly issued access token");
    data = outcome.data;
  } catch (err) {
    if (isPitchlyAuthError(err, "profile_failed")) throw err;
    throw failed(isPitchlyAuthError(err) ? "Pitchly did not answer the identity query" : "the identity query failed", err);
  }
  let mapped: unknown;
  try {
    mapped = config.map(data);
  } catch (err) {
    throw failed("the profile mapper threw", err);
  }
  const parsed = profileSchema.safeParse(mapped);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "profile"))].join(", ");
    throw failed(`the mapped profile failed validation (${fields})`);
  }
  if (Buffer.byteLength(JSON.stringify(parsed.data)) > MAX_PROFILE_BYTES)
    throw failed(`the mapped profile exceeds ${MAX_PROFILE_BYTES} bytes`);
  return parsed.data;
}
