// The one options schema: every default and option type of pitchlyAuth() comes from here.
import { z } from "zod";
import type { Logger } from "pino";
import type { Request } from "express";
import { PitchlyConfigError } from "./errors";
import type { RefreshLock, TokenStore } from "./stores/token-store";
import { suggest } from "./suggest";

/** What `onLogin` receives; link `grantKey` to your own user to use `clientFor()` later. */
export interface OnLoginContext {
  req: Request;
  grantKey: string;
}

/** What a GraphQL answer looked like, for a custom `isTokenInvalid`. */
export interface GraphQLAnswer {
  status: number;
  errors: ReadonlyArray<{ message?: unknown; extensions?: Record<string, unknown> }>;
}

const absoluteHttpUrl = z
  .string({ error: "required (an absolute http(s) URL)" })
  .refine((value) => /^https?:$/.test(safeProtocol(value)), { error: "must be an absolute http(s) URL" });

const routePath = z.string().regex(/^\/[^\s?#]*$/, { error: "must be a path starting with '/'" });

const routesSchema = z
  .strictObject({
    login: routePath.default("/auth/pitchly/login"),
    callback: routePath.default("/auth/pitchly/callback"),
    logout: routePath.default("/auth/pitchly/logout"),
  })
  .prefault({});

const isFunction = (value: unknown) => typeof value === "function";
const hasMethods = (...names: string[]) => (value: unknown) =>
  typeof value === "object" && value !== null && names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");

export const optionsSchema = z.strictObject({
  clientId: z.string({ error: "required (your Pitchly App ID)" }).min(1, { error: "must not be empty" }),
  clientSecret: z.string({ error: "required (your Pitchly App secret)" }).min(1, { error: "must not be empty" }),
  redirectUri: absoluteHttpUrl,
  platform: z.enum(["v2", "platform"]).default("v2"),
  baseUrl: absoluteHttpUrl.optional(),
  authorizeUrl: absoluteHttpUrl.optional(),
  tokenUrl: absoluteHttpUrl.optional(),
  graphqlUrl: absoluteHttpUrl.optional(),
  scope: z.string().min(1).optional(),
  pkce: z.boolean().default(false),
  routes: routesSchema,
  successRedirect: z.string().regex(/^\/(?![/\\])/, { error: "must be a same-origin path like '/home'" }).default("/"),
  refreshLeewaySeconds: z.number().int().min(0).max(3600).default(60),
  httpTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  tokenStore: z.custom<TokenStore>(hasMethods("get", "set", "compareAndSet", "delete"), {
    error: "must implement the TokenStore contract (get, set, compareAndSet, delete)",
  }).optional(),
  lock: z.custom<RefreshLock>(hasMethods("acquire", "release"), {
    error: "must implement the RefreshLock contract (acquire, release)",
  }).optional(),
  logger: z.custom<Logger>(hasMethods("child", "info", "warn", "error", "debug"), {
    error: "must be a pino logger",
  }).optional(),
  onLogin: z.custom<(ctx: OnLoginContext) => void | Promise<void>>(isFunction, { error: "must be a function" }).optional(),
  isTokenInvalid: z.custom<(answer: GraphQLAnswer) => boolean>(isFunction, { error: "must be a function" }).optional(),
});

/** Options accepted by `pitchlyAuth()`. */
export type PitchlyAuthOptions = z.input<typeof optionsSchema>;
/** Options after defaults. */
export type ParsedOptions = z.output<typeof optionsSchema>;

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol;
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
        const candidates = where === "routes" ? knownRouteKeys : knownKeys;
        return issue.keys.map((key) => {
          const hint = suggest(key, candidates);
          return `${where ? `${where}.` : ""}${key}: unknown option${hint ? ` (did you mean \`${hint}\`?)` : ""}`;
        });
      }
      return [`${where || "options"}: ${issue.message}`];
    });
    throw new PitchlyConfigError(lines);
  }
  const callbackPath = new URL(result.data.redirectUri).pathname;
  if (!callbackPath.endsWith(result.data.routes.callback)) {
    throw new PitchlyConfigError([
      `redirectUri: its path "${callbackPath}" does not end with routes.callback "${result.data.routes.callback}", so Pitchly would send users to a route nobody serves`,
    ]);
  }
  return result.data;
}
