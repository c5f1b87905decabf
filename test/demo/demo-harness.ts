// Test fixture for the demo: the local Pitchly with the demo's clients plus createApp(), driven in-process by supertest.
import request from "supertest";
import type { MockUser } from "express-pitchly/testing";
import { createApp, type DemoApp } from "../../demo-app/app";
import type { DemoConfig } from "../../demo-app/config";
import { startLocalPitchly, type LocalPitchly } from "../../demo-app/local-pitchly";

export const APP_URL = "http://localhost:3000";

export interface DemoHarness extends DemoApp {
  local: LocalPitchly;
  config: DemoConfig;
  close(): Promise<void>;
}

export async function startDemoHarness(opts: { users?: MockUser[]; config?: Partial<DemoConfig> } = {}): Promise<DemoHarness> {
  const local = await startLocalPitchly({ appUrl: APP_URL, ...(opts.users && { users: opts.users }) });
  const config: DemoConfig = { ...local.config, sessionSecret: "demo-test-session-secret", ...opts.config };
  return { ...createApp(config), local, config, close: () => local.mock.close() };
}

export type Agent = ReturnType<typeof request.agent>;

/** Home's "Sign in with Pitchly" → consent (Approve or Deny) → back to the demo's callback; returns the callback answer. */
export async function signIn(h: DemoHarness, agent: Agent, decision: "approve" | "deny" = "approve") {
  const login = await agent.get("/auth/pitchly/login?returnTo=%2Fprofile").expect(302);
  const authorize = login.headers.location as string;
  const back = decision === "approve" ? await h.local.mock.approve(authorize) : await h.local.mock.deny(authorize);
  const callback = new URL(back);
  return agent.get(`${callback.pathname}${callback.search}`).set("Accept", "text/html");
}

/** Access and refresh tokens of the local Pitchly (and its codes) must never reach a page or a JSON answer. */
export function expectNoTokens(text: string): void {
  expect(text).not.toMatch(/plyu_|prt_|pac_/);
}

/** The visible number in the token panel's "Refreshes so far". */
export function refreshCount(html: string): number {
  const match = /data-field="refreshes">(\d+)</.exec(html);
  if (!match) throw new Error("no refresh count on the page");
  return Number(match[1]);
}
