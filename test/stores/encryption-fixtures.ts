// What the encryption tests on every backend share: test keys, and a real login + refresh through a given store.
import { randomBytes } from "node:crypto";
import request from "supertest";
import type { TokenStore } from "../../src/stores/token-store";
import { createHarness, signIn, type Harness } from "../helpers/app";

export const KEY_A = { id: "2026-01", key: randomBytes(32) };
export const KEY_B = { id: "2026-07", key: randomBytes(32).toString("base64") };

/** The codes and tokens the local Pitchly issued that appear verbatim in a raw dump (v2 access tokens carry no prefix to grep for). */
export function leaked(dump: string, issued: readonly string[]): string[] {
  return issued.filter((secret) => dump.includes(secret));
}

/** Signs in through a real app on `tokenStore`, then forces one refresh, so the store holds a rotated pair. */
export async function loginAndRefresh(
  tokenStore: TokenStore,
): Promise<{ harness: Harness; grantKey: string; agent: ReturnType<typeof request.agent> }> {
  const harness = await createHarness({ auth: { tokenStore } });
  const agent = request.agent(harness.app);
  const callback = await signIn(harness, agent);
  if (callback.status !== 302) throw new Error(`sign-in answered ${callback.status}`);
  const { grantKey } = (await agent.get("/api/token").expect(200)).body as { grantKey: string };
  const refreshed = await agent.post("/api/refresh").expect(200);
  if ((refreshed.body as { changed?: boolean }).changed !== true || harness.mock.stats.token.refresh_token !== 1) {
    throw new Error("the refresh did not happen");
  }
  return { harness, grantKey, agent };
}
