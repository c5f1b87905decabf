// The one logger setup: a pino child with redaction, silent unless the app hands us a logger.
import pino, { type Logger } from "pino";

/** Any field that could carry a credential, at the top level or one level down. */
const SECRET_FIELDS = [
  "accessToken", "access_token", "refreshToken", "refresh_token", "code", "code_verifier", "codeVerifier",
  "clientSecret", "client_secret", "state", "authorization", "cookie", "set-cookie", "password", "token", "tokens",
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  'req.headers["authorization"]',
  'req.headers["cookie"]',
  'res.headers["set-cookie"]',
];

const redact = { paths: REDACT_PATHS, censor: "[redacted]" };

/** Our child of the app's logger, or a silent pino (set PITCHLY_LOG_LEVEL to hear it without passing one). */
export function createLogger(parent?: Logger): Logger {
  if (parent) return parent.child({ module: "express-pitchly" }, { redact });
  return pino({ name: "express-pitchly", level: process.env.PITCHLY_LOG_LEVEL ?? "silent", redact });
}
