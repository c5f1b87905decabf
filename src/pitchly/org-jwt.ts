// Pitchly's self-signed organization token: a JWT with iss = App ID, HS256 with the App secret, optional exp.
import { SignJWT } from "jose";
import { z } from "zod";
import { PitchlyConfigError } from "../errors";

export interface SignOrganizationTokenOptions {
  /** Without it the token lives until the App secret is rotated (Pitchly documents `exp` as optional). */
  expiresInSeconds?: number;
  /** Passed through as JWT claims (Pitchly's workspace and permission limits; their names are not documented). */
  claims?: Record<string, unknown>;
}

/** The standalone form, for code that has the App's credentials but no `pitchlyAuth()`. */
export interface StandaloneSignOrganizationTokenOptions extends SignOrganizationTokenOptions {
  clientId: string;
  clientSecret: string;
}

const RESERVED = ["iss", "exp"];
const schema = z.strictObject({
  clientId: z.string({ error: "required (your Pitchly App ID)" }).min(1, { error: "must not be empty" }),
  clientSecret: z.string({ error: "required (your Pitchly App secret)" }).min(1, { error: "must not be empty" }),
  expiresInSeconds: z
    .number()
    .int()
    .positive()
    .max(10 * 365 * 24 * 3600)
    .optional(),
  claims: z
    .record(z.string(), z.unknown())
    .refine((claims) => !RESERVED.some((name) => name in claims), {
      error: "must not set iss or exp (use clientId and expiresInSeconds)",
    })
    .optional(),
});

/** Resolves to the compact JWT; send it as `Authorization: Bearer`, and never log it (it is a credential). */
export async function signOrganizationToken(options: StandaloneSignOrganizationTokenOptions): Promise<string> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new PitchlyConfigError(
      parsed.error.issues.map((issue) => `signOrganizationToken.${issue.path.join(".") || "options"}: ${issue.message}`),
    );
  }
  const { clientId, clientSecret, expiresInSeconds, claims } = parsed.data;
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuer(clientId);
  if (expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds);
  // The raw secret's bytes are the HMAC key (PITCHLY.md: inferred from "signed with the Client Secret").
  return jwt.sign(new TextEncoder().encode(clientSecret));
}
