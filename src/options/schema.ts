// The one options schema: every default and every check of pitchlyAuth(), kept in step with options/types.ts.
import { z } from "zod";
import type { Logger } from "pino";
import { PitchlyConfigError } from "../errors";
import type { RefreshLock, TokenStore } from "../stores/token-store";
import { suggest } from "./suggest";
import type { ProfileQuery } from "../grant/profile";
import type { GraphQLAnswer, OnLoginContext, PitchlyAuthOptions } from "./types";
import { productionOptionsShape } from "./production";

export type { GraphQLAnswer, OnLoginContext, PitchlyAuthOptions };

/** Parameters the package writes itself into the authorize URL; `scope` has its own option. */
export const OWNED_AUTHORIZE_PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
];

const absoluteWsUrl = z
  .string()
  .refine((value) => /^wss?:$/.test(safeProtocol(value)), { error: "must be an absolute ws(s) URL" });

const absoluteHttpUrl = z
  .string({ error: "required (an absolute http(s) URL)" })
  .refine((value) => /^https?:$/.test(safeProtocol(value)), { error: "must be an absolute http(s) URL" });

// Express reads route strings as path-to-regexp patterns: `:id`, `*`, `(…)`, `{…}`, `?`, `+` or `!` would
// make the route match other paths (or throw a raw TypeError under Express 5), so only plain paths pass.
const routePath = z
  .string()
  .regex(/^\/[^\s?#]*$/, { error: "must be a path starting with '/'" })
  .refine((value) => !/[:*()[\]{}+!?]/.test(value), { error: "must be a plain path (no :params, *, (), {}, [], +, !)" })
  .refine((value) => !value.startsWith("//"), { error: "must not start with '//'" });

const routesSchema = z
  .strictObject({
    login: routePath.default("/auth/pitchly/login"),
    callback: routePath.default("/auth/pitchly/callback"),
    logout: routePath.default("/auth/pitchly/logout"),
  })
  .prefault({})
  .superRefine((routes, ctx) => {
    // Express matches case-insensitively and ignores one trailing slash: "/a" and "/A/" are the same route.
    const key = (path: string) => path.toLowerCase().replace(/(.)\/$/, "$1");
    const seen = new Map<string, string>();
    for (const [name, path] of Object.entries(routes)) {
      const other = seen.get(key(path));
      if (other)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `is the same path as routes.${other} (${path}); one of them could never be reached`,
        });
      seen.set(key(path), name);
    }
  });

const secret = (what: string) =>
  z
    .string({ error: `required (${what})` })
    .min(1, { error: "must not be empty" })
    .refine((value) => value.trim().length > 0, { error: "must not be only whitespace" });

const redirectUriSchema = absoluteHttpUrl
  .refine((value) => !value.includes("#"), { error: "must not contain a #fragment (RFC 6749 §3.1.2)" })
  .refine((value) => !safePathname(value).startsWith("//"), {
    error: "its path must not start with '//' (the login redirect would read as another host)",
  });

const authorizationParamsSchema = z.record(z.string(), z.string()).superRefine((params, ctx) => {
  for (const name of Object.keys(params)) {
    if (OWNED_AUTHORIZE_PARAMS.includes(name.toLowerCase())) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message:
          name === "scope" ? "set with the `scope` option instead" : "is set by express-pitchly itself and cannot be overridden",
      });
    }
  }
});

export const DEFAULT_PLATFORM_ORIGIN = "https://platform.pitchly.com";

// An origin, not a URL: it is compared byte for byte with MessageEvent.origin and written into frame-ancestors.
const originSchema = absoluteHttpUrl.refine((value) => safeOrigin(value) === value, {
  error: "must be a bare origin like 'https://platform.pitchly.com' (scheme, host, port; no path or trailing slash)",
});

const pluginSchema = z.strictObject({ platformOrigin: originSchema.default(DEFAULT_PLATFORM_ORIGIN) });

const isFunction = (value: unknown) => typeof value === "function";
const hasMethods =
  (...names: string[]) =>
  (value: unknown) =>
    typeof value === "object" &&
    value !== null &&
    names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");

export const optionsSchema = z.strictObject({
  clientId: secret("your Pitchly App ID"),
  clientSecret: secret("your Pitchly App secret"),
  redirectUri: redirectUriSchema,
  platform: z.enum(["v2", "platform"]).default("v2"),
  baseUrl: absoluteHttpUrl.optional(),
  authorizeUrl: absoluteHttpUrl.optional(),
  tokenUrl: absoluteHttpUrl.optional(),
  graphqlUrl: absoluteHttpUrl.optional(),
  subscriptionsUrl: absoluteWsUrl.optional(),
  // "" is meaningful: Pitchly's read-only token.
  scope: z.string().max(4096).optional(),
  authorizationParams: authorizationParamsSchema.optional(),
  // Default by generation (see parseOptions): on for "platform", whose documented authorize URL carries S256.
  pkce: z.boolean().optional(),
  routes: routesSchema,
  successRedirect: z
    .string()
    .regex(/^\/(?![/\\])/, { error: "must be a same-origin path like '/home'" })
    .default("/"),
  refreshLeewaySeconds: z.number().int().min(0).max(3600).default(60),
  httpTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  tokenStore: z
    .custom<TokenStore>(hasMethods("get", "set", "compareAndSet", "delete"), {
      error: "must implement the TokenStore contract (get, set, compareAndSet, delete)",
    })
    .optional(),
  lock: z
    .custom<RefreshLock>(hasMethods("acquire", "release"), {
      error: "must implement the RefreshLock contract (acquire, release)",
    })
    .optional(),
  logger: z
    .custom<Logger>(hasMethods("child", "info", "warn", "error", "debug"), {
      error: "must be a pino logger",
    })
    .optional(),
  onLogin: z.custom<(ctx: OnLoginContext) => void | Promise<void>>(isFunction, { error: "must be a function" }).optional(),
  isTokenInvalid: z.custom<(answer: GraphQLAnswer) => boolean>(isFunction, { error: "must be a function" }).optional(),
  profile: z
    .custom<ProfileQuery | false>(
      (value) =>
        value === false || (typeof (value as Partial<ProfileQuery> | null)?.query === "string" && hasMethods("map")(value)),
      {
        error: "must be false or { query: string, map(data) => profile }",
      },
    )
    .optional(),
  ...productionOptionsShape,
  /** The app also runs inside Pitchly's plugin iframe. */
  plugin: pluginSchema.optional(),
});

// The hand-written public type and the schema must accept the same options: each way round must compile.
type SchemaInput = z.input<typeof optionsSchema>;
const sameOptions: [(o: PitchlyAuthOptions) => SchemaInput, (o: SchemaInput) => PitchlyAuthOptions] = [(o) => o, (o) => o];
void sameOptions;

/** Options after defaults. */
export type ParsedOptions = Omit<z.output<typeof optionsSchema>, "pkce"> & { pkce: boolean };

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return "";
  }
}

function safeOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return "";
  }
}

function safePathname(value: string): string {
  try {
    return new URL(value).pathname;
  } catch {
    return "";
  }
}

const knownKeys = Object.keys(optionsSchema.shape);
const knownRouteKeys = ["login", "callback", "logout"];

/** Validates once, up front, and names every bad field (with a "did you mean" for typos). */
export function parseOptions(input: unknown): ParsedOptions {
  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.flatMap((issue) => {
      const where = issue.path.join(".");
      if (issue.code === "unrecognized_keys") {
        const candidates = where === "routes" ? knownRouteKeys : where === "plugin" ? ["platformOrigin"] : knownKeys;
        return issue.keys.map((key) => {
          const hint = suggest(key, candidates);
          return `${where ? `${where}.` : ""}${key}: unknown option${hint ? ` (did you mean \`${hint}\`?)` : ""}`;
        });
      }
      return [`${where || "options"}: ${issue.message}`];
    });
    throw new PitchlyConfigError(lines);
  }
  if (result.data.lock && !result.data.tokenStore) {
    throw new PitchlyConfigError([
      "lock: needs a tokenStore too. With tokens in the session, a process waiting on another's refresh only ever sees its own session copy, so it would redeem the dead refresh token and sign the user out; pass a shared tokenStore (e.g. RedisTokenStore) with the lock",
    ]);
  }
  const callbackPath = new URL(result.data.redirectUri).pathname;
  if (!callbackPath.endsWith(result.data.routes.callback)) {
    throw new PitchlyConfigError([
      `redirectUri: its path "${callbackPath}" does not end with routes.callback "${result.data.routes.callback}", so Pitchly would send users to a route nobody serves`,
    ]);
  }
  return { ...result.data, pkce: result.data.pkce ?? result.data.platform === "platform" };
}
