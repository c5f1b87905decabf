// Calls the app's lifecycle hooks safely: a hook that throws or rejects is logged, never the request's problem.
import type { Logger } from "pino";
import { PITCHLY_WARNINGS } from "../errors";
import type { Hook, OnLogoutContext, OnRefreshContext, OnRefreshFailedContext } from "../options/production";

export interface HookHandlers {
  onLogout?: Hook<OnLogoutContext> | undefined;
  onRefresh?: Hook<OnRefreshContext> | undefined;
  onRefreshFailed?: Hook<OnRefreshFailedContext> | undefined;
}

type Context<K extends keyof HookHandlers> = Parameters<NonNullable<HookHandlers[K]>>[0];

/**
 * Fired at the moment the event happens, not awaited: a slow audit hook must not hold up the 200 requests
 * that shared a refresh. (`onLogin` is not here: it may refuse a sign-in, so the callback awaits it.)
 */
export class Hooks {
  constructor(
    private readonly handlers: HookHandlers,
    private readonly logger: Logger,
  ) {}

  has(name: keyof HookHandlers): boolean {
    return this.handlers[name] !== undefined;
  }

  fire<K extends keyof HookHandlers>(name: K, ctx: Context<K>): void {
    const hook = this.handlers[name] as Hook<Context<K>> | undefined;
    if (!hook) return;
    try {
      const result = hook(ctx);
      if (result && typeof result.then === "function") {
        result.then(undefined, (err: unknown) => this.failed(name, err));
      }
    } catch (err) {
      this.failed(name, err);
    }
  }

  private failed(name: string, err: unknown): void {
    this.logger.warn({ code: PITCHLY_WARNINGS.HOOK_FAILED, hook: name, err }, `the ${name} hook failed; the request went on`);
  }
}
