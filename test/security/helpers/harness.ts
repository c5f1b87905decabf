// The security suite's harness: the shared test app, listening, with every byte and log line recorded and checked for leaks.
import type { Server } from "node:http";
import type { Express } from "express";
import type session from "express-session";
import request from "supertest";
import { createHarness, storedSessions, CLIENT_SECRET, type Agent, type Harness, type HarnessOptions } from "../../helpers/app";
import { agentSessionId, approvedLogin } from "../../helpers/flows";
import { findLeaks, recordServer, recordingLogger, type Recording } from "./recorder";

export interface SecureHarness extends Harness {
  /** The listening, recorded app: use agent() or request(server), never request(app). */
  server: Server;
  agent(): Agent;
  recording: Recording;
  /** Values that must never reach the browser or the logs; grows as the flow runs. */
  secrets: Set<string>;
  /** Login → consent (approve) without visiting the callback; returns its path + query. */
  approvedCallback(agent: Agent, loginPath?: string): Promise<string>;
  /** Login → consent → callback, like a browser. */
  signIn(agent: Agent, loginPath?: string): Promise<request.Response>;
  /** Adds every token and PKCE verifier currently in the session store to `secrets`. */
  harvest(): void;
  /** Listens with another app (e.g. one built around `auth` with other session options), recorded too. */
  serve(app: Express): Server;
}

const open: SecureHarness[] = [];

/** Registers afterEach: harvest secrets, close every harness, fail the test on any leak. */
export function useSecureHarnesses(): void {
  afterEach(async () => {
    jest.restoreAllMocks();
    const leaks: string[] = [];
    for (const sh of open.splice(0)) {
      sh.harvest();
      for (const secret of sh.mock.issuedSecrets()) sh.secrets.add(secret);
      await sh.close();
      leaks.push(...findLeaks(sh.recording, sh.secrets));
    }
    expect(leaks).toEqual([]);
  });
}

export function harvestStore(store: session.MemoryStore, into: Set<string>): void {
  for (const data of Object.values(storedSessions(store))) {
    const grant = data.pitchly as { tokens?: { accessToken?: string; refreshToken?: string } } | undefined;
    const logins = (data.pitchlyLogins as Array<{ codeVerifier?: string }> | undefined) ?? [];
    for (const value of [grant?.tokens?.accessToken, grant?.tokens?.refreshToken, ...logins.map((l) => l.codeVerifier)]) {
      if (value) into.add(value);
    }
  }
}

export async function secureHarness(options: HarnessOptions = {}): Promise<SecureHarness> {
  const logs: string[] = [];
  const wire: Buffer[] = [];
  const h = await createHarness({ ...options, auth: { logger: recordingLogger(logs), ...options.auth } });
  const server = h.listen();
  recordServer(server, wire);
  const secrets = new Set<string>([CLIENT_SECRET]);
  const harvest = () => harvestStore(h.store, secrets);
  const served: Server[] = [];

  async function approvedCallback(agent: Agent, loginPath = "/auth/pitchly/login"): Promise<string> {
    const { back, callbackPath } = await approvedLogin(h.mock, agent, loginPath);
    harvest();
    const code = back.searchParams.get("code");
    if (code) secrets.add(code);
    return callbackPath;
  }

  const sh: SecureHarness = {
    ...h,
    close: async () => {
      for (const other of served) {
        other.close();
        other.closeAllConnections();
      }
      await h.close();
    },
    server,
    agent: () => request.agent(server),
    recording: { wire: () => Buffer.concat(wire).toString("latin1"), logs },
    secrets,
    approvedCallback,
    signIn: async (agent, loginPath) => agent.get(await approvedCallback(agent, loginPath)),
    harvest,
    serve(app: Express): Server {
      const other = app.listen(0, "127.0.0.1");
      recordServer(other, wire);
      served.push(other);
      return other;
    },
  };
  open.push(sh);
  return sh;
}

/** The session id behind an agent's cookie jar, unsigned. */
export const sidOf = agentSessionId;

/** Pending logins kept in one session of the store. */
export function pendingLogins(store: session.MemoryStore, sid: string | undefined): Array<Record<string, unknown>> {
  if (!sid) return [];
  const data = storedSessions(store)[sid];
  return (data?.pitchlyLogins as Array<Record<string, unknown>> | undefined) ?? [];
}

/** True when a Location header stays on the app's origin (relative, not scheme-relative). */
export function sameOrigin(location: string): boolean {
  if (!location.startsWith("/") || location.startsWith("//") || /[\\\r\n\t]/.test(location)) return false;
  return new URL(location, "https://app.example").origin === "https://app.example";
}
