// The browser tests' Pitchly: the real local one, its faults standing in for arbitrary answers, its request log read back.
import { startMockPitchly, type Fault, type MockPitchly } from "express-pitchly/testing";

export const SPA = { clientId: "spa-client", redirectUri: "https://app.example/callback" };

export async function startPitchly(): Promise<MockPitchly> {
  return startMockPitchly({ clients: [{ clientId: SPA.clientId, redirectUris: [SPA.redirectUri] }] });
}

/** One local Pitchly per file, registered for the SPA; its request log and faults reset before each test. */
export function useSpaPitchly(): { readonly server: MockPitchly } {
  const local = {} as { server: MockPitchly };
  beforeAll(async () => {
    local.server = await startPitchly();
  });
  afterAll(() => local.server.close());
  beforeEach(() => {
    local.server.requests.length = 0;
    local.server.setFaults({});
  });
  return local;
}

/** The JSON `body` with `status`, as the next answers of one endpoint. */
export const answer = (status: number, body: unknown): Fault => ({ status, body: JSON.stringify(body) });
/** A non-JSON page with `status`. */
export const page = (status: number, html: string): Fault => ({ status, body: html, headers: { "content-type": "text/html" } });

/** What the browser code sent Pitchly: requests to `path`, the preflights left out. */
export const sent = (pitchly: MockPitchly, path: string) =>
  pitchly.requests.filter((r) => r.path === path && r.method !== "OPTIONS");

/** A URL on which nothing listens any more. */
export async function deadUrl(): Promise<string> {
  const gone = await startPitchly();
  await gone.close();
  return gone.url;
}
