// The one logger setup: a pino child of the app's logger with redaction, or our own at warn on stderr.
import pino, { type Logger } from "pino";

/** Any field that could carry a credential, at the top level or one level down. */
const SECRET_FIELDS = [
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "code_verifier",
  "codeVerifier",
  "clientSecret",
  "client_secret",
  "state",
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "token",
  "tokens",
];

// A top-level `code` is a warning's stable code (errors.ts); one level down it may be an authorization code.
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...[...SECRET_FIELDS, "code"].map((field) => `*.${field}`),
  'req.headers["authorization"]',
  'req.headers["cookie"]',
  'res.headers["set-cookie"]',
];

const redact = { paths: REDACT_PATHS, censor: "[redacted]" };

/**
 * Our child of the app's logger; without one, warnings and errors go to stderr so the self-checks are
 * seen by everyone (PITCHLY_LOG_LEVEL changes the level, "silent" included).
 */
export function createLogger(parent?: Logger): Logger {
  if (parent) return parent.child({ module: "express-pitchly" }, { redact });
  return pino(
    { name: "express-pitchly", level: process.env.PITCHLY_LOG_LEVEL || "warn", redact },
    pino.destination({ dest: 2, sync: true }),
  );
}
