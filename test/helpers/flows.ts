// The one test-support module for sign-in flows: login → consent (approve) → callback, and session-id unsigning.
import request from "supertest";
import type { MockPitchly } from "express-pitchly/testing";

export type Agent = ReturnType<typeof request.agent>;

/** What a browser goes through before it follows Pitchly's redirect back: the login redirect and the approved callback URL. */
export async function approvedLogin(
  mock: MockPitchly,
  agent: Agent,
  loginPath = "/auth/pitchly/login",
  approveAs?: { userId: string },
) {
  const login = await agent.get(loginPath).expect(302);
  const authorize = new URL(login.headers.location as string);
  const back = new URL(await mock.approve(authorize.toString(), approveAs));
  return { login, authorize, back, callbackPath: `${back.pathname}${back.search}` };
}

/** Login → consent → callback, like a browser; resolves with the callback's response. */
export async function signInThrough(mock: MockPitchly, agent: Agent, loginPath?: string): Promise<request.Response> {
  const { callbackPath } = await approvedLogin(mock, agent, loginPath);
  return agent.get(callbackPath);
}

/** The session id inside a `connect.sid` cookie value (express-session signs it as `s:<id>.<mac>`). */
export function unsignSessionId(cookieValue: string): string {
  const raw = decodeURIComponent(cookieValue);
  return raw.startsWith("s:") ? raw.slice(2, raw.lastIndexOf(".")) : raw;
}

/** The session id an agent's cookie jar holds for 127.0.0.1. */
export function agentSessionId(agent: Agent, cookieName = "connect.sid"): string | undefined {
  const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
  const cookie = jar.getCookie(cookieName, { domain: "127.0.0.1", path: "/", secure: false, script: false });
  return cookie ? unsignSessionId(cookie.value) : undefined;
}

/** The `connect.sid=…` pair an agent would send, to replay it from another client. */
export function agentCookie(agent: Agent, cookieName = "connect.sid"): string {
  const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
  const cookie = jar.getCookie(cookieName, { domain: "127.0.0.1", path: "/", secure: false, script: false });
  if (!cookie) throw new Error(`the agent holds no ${cookieName} cookie`);
  return `${cookieName}=${cookie.value}`;
}
