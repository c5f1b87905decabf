// Options for running in production: lifecycle hooks beside onLogin, and the outbound HTTP dispatcher.
import { z } from "zod";
import type { Request } from "express";
import type { Dispatcher } from "undici";
import type { PitchlyAuthErrorCode } from "../errors";

/** What `onLogout` receives: the grant that just ended (sign-out, or a new sign-in replacing it). */
export interface OnLogoutContext {
  req: Request;
  grantKey: string;
}

/** What `onRefresh` receives, once per real rotation: never a token. */
export interface OnRefreshContext {
  grantKey: string;
  /** The new access token's expiry, ms epoch. */
  expiresAt: number;
  /** How many other callers shared this one refresh (200 concurrent requests → 199). */
  coalesced: number;
}

/** What `onRefreshFailed` receives, once per failed refresh attempt. */
export interface OnRefreshFailedContext {
  grantKey: string;
  /** `refresh_rejected` (Pitchly refused the grant: the user signs in again), `pitchly_unavailable`, … */
  code: PitchlyAuthErrorCode | "unknown";
}

export type Hook<C> = (ctx: C) => void | Promise<void>;

/** The production options of `pitchlyAuth()` (docs/production.md). Hooks are called at the event and not awaited; one that throws is logged (`PITCHLY_HOOK_FAILED`). */
export interface ProductionOptions {
  /** A grant ended: sign-out, or a new sign-in from the same session replacing it. */
  onLogout?: Hook<OnLogoutContext>;
  /** Once per real rotation (not per request that shared it). */
  onRefresh?: Hook<OnRefreshContext>;
  /** Once per failed refresh attempt (not for calls held back by a Retry-After). */
  onRefreshFailed?: Hook<OnRefreshFailedContext>;
  /** Your own undici Dispatcher for every call to Pitchly. @defaultValue keep-alive Agent, or EnvHttpProxyAgent when HTTP(S)_PROXY is set */
  dispatcher?: Dispatcher;
}

const hook = <C>() => z.custom<Hook<C>>((value) => typeof value === "function", { error: "must be a function" }).optional();

/** Spread into the one options schema. */
export const productionOptionsShape = {
  onLogout: hook<OnLogoutContext>(),
  onRefresh: hook<OnRefreshContext>(),
  onRefreshFailed: hook<OnRefreshFailedContext>(),
  /** Your own undici Dispatcher (Agent, ProxyAgent, MockAgent…) for every call to Pitchly; default honours HTTP(S)_PROXY / NO_PROXY. */
  dispatcher: z
    .custom<Dispatcher>((value) => typeof (value as { dispatch?: unknown } | null)?.dispatch === "function", {
      error: "must be an undici Dispatcher (Agent, ProxyAgent, EnvHttpProxyAgent…)",
    })
    .optional(),
};
