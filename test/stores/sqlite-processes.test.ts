// SQLite on one machine: tokens survive a restart, and processes sharing the file redeem a token once.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SqliteTokenStore } from "express-pitchly";
import { startMockPitchly, type MockPitchly } from "express-pitchly/testing";

const run = promisify(execFile);
const job = path.join(__dirname, "fixtures/background-job.ts");
let dir: string;
let mock: MockPitchly;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "pitchly-sqlite-"));
  mock = await startMockPitchly({
    clients: [{ clientId: "jobs", clientSecret: "jobs-secret", redirectUris: ["http://127.0.0.1:1/auth/pitchly/callback"] }],
  });
});
afterEach(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A grant as a login would have stored it, already expired. */
async function storeExpiredGrant(filename: string, grantKey: string) {
  const issued = mock.issueTokens({ clientId: "jobs" });
  const store = new SqliteTokenStore({ filename });
  await store.set(grantKey, {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    expiresAt: Date.now() - 1000,
    tokenType: "bearer",
  });
  store.close();
  return issued;
}

async function runJob(filename: string, grantKey: string, parallel: number, startAt = 0): Promise<string[]> {
  const args = ["--import", "tsx", job, filename, mock.url, grantKey, String(parallel), String(startAt)];
  const { stdout } = await run(process.execPath, args);
  return JSON.parse(stdout) as string[];
}

it("a new process reads the stored grant, refreshes it and calls Pitchly", async () => {
  const filename = path.join(dir, "tokens.db");
  const issued = await storeExpiredGrant(filename, "grant-a");
  expect(await runJob(filename, "grant-a", 1)).toEqual(["Deals"]);
  expect(mock.stats.token.refresh_token).toBe(1);
  const reopened = new SqliteTokenStore({ filename });
  const stored = (await reopened.get("grant-a"))!;
  reopened.close();
  expect(stored.refreshToken).not.toBe(issued.refresh_token);
  expect(stored.expiresAt).toBeGreaterThan(Date.now());
  // And again from the rotated pair, in yet another process.
  expect(await runJob(filename, "grant-a", 1)).toEqual(["Deals"]);
});

it("two processes on one file, 10 calls each, redeem the refresh token exactly once", async () => {
  const filename = path.join(dir, "shared.db");
  await storeExpiredGrant(filename, "grant-b");
  const startAt = Date.now() + 4000;
  const [first, second] = await Promise.all([runJob(filename, "grant-b", 10, startAt), runJob(filename, "grant-b", 10, startAt)]);
  expect([...first!, ...second!]).toEqual(Array(20).fill("Deals"));
  expect(mock.stats.token.refresh_token).toBe(1);
});
