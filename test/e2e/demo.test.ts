// The demo in a real browser: sign in and approve, expire + call the API (refresh count goes up), deny, sign out.
import type { Page } from "playwright-core";
import { launchBrowser, screenshot, startDemoProcess, watchErrors, type Browser, type DemoProcess } from "./e2e-helpers";

let demo: DemoProcess;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
  demo = await startDemoProcess();
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});
beforeEach(async () => {
  await browser.context.clearCookies();
  page = await browser.context.newPage();
  errors = watchErrors(page, demo.appUrl);
});
afterEach(() => page.close());

async function signInAndApprove(screenshots = false): Promise<void> {
  await page.goto(demo.appUrl);
  if (screenshots) await screenshot(page, "screenshot-home.png");
  await page.getByRole("link", { name: "Sign in with Pitchly" }).click();
  await page.waitForURL(`${demo.pitchlyUrl}/oauth/authorize?**`);
  await page.getByRole("heading", { name: "DealDesk wants to access your Pitchly account" }).waitFor();
  if (screenshots) await screenshot(page, "screenshot-consent.png");
  await page.getByRole("button", { name: "Approve" }).click();
  await page.waitForURL(`${demo.appUrl}/profile`);
}

const field = (name: string) => page.locator(`[data-field="${name}"]`);

test("npm run demo prints both URLs and what to click", () => {
  const out = demo.output();
  expect(out).toContain(`Local Pitchly   ${demo.pitchlyUrl}`);
  expect(out).toContain(`DealDesk demo   ${demo.appUrl}`);
  expect(out).toContain('click "Sign in with Pitchly"');
  expect(out).toContain('click "Approve"');
});

test("click sign in, approve on the local Pitchly, see the profile", async () => {
  await signInAndApprove(true);
  await expect(page.locator("#user-name").textContent()).resolves.toBe("Ada Lovelace");
  await expect(page.locator("#user-email").textContent()).resolves.toBe("ada@example.com");
  expect(await page.locator("table tbody tr").count()).toBe(4);
  await expect(field("refreshes").textContent()).resolves.toBe("0");
  // The countdown script runs: the text changes within two ticks.
  const first = await field("expires-in").textContent();
  await page.waitForFunction((before) => document.querySelector('[data-field="expires-in"]')?.textContent !== before, first);
  expect(await field("expires-in").textContent()).toMatch(/^59m \d+s$/);
  expect(await page.content()).not.toMatch(/plyu_|prt_/);
  await screenshot(page, "screenshot-profile.png", { fullPage: true });
  expect(errors).toEqual([]);
});

test("expire the token, call the API: a transparent refresh, visible in the panel without a reload", async () => {
  await signInAndApprove();
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await page.getByRole("button", { name: "Expire my token now" }).click();
  await page.locator(".status-warn", { hasText: "Expired at Pitchly" }).waitFor();
  expect(await field("refreshes").textContent()).toBe("0");
  expect(await field("last-refresh").textContent()).toBe("not yet");

  await page.getByRole("button", { name: "Call the API" }).click();
  await page.locator('[data-field="refreshes"]', { hasText: "1" }).waitFor();
  expect(await page.locator("#api-result").textContent()).toContain(
    "Pitchly said token-invalid, so the app refreshed the token and retried",
  );
  expect(await field("last-refresh").textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
  expect(await field("status").textContent()).toMatch(/^Valid/);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  await page.getByRole("button", { name: "Call the API" }).click();
  await page.locator("#api-result", { hasText: "no refresh needed" }).waitFor();
  expect(await field("refreshes").textContent()).toBe("1");

  await page.reload();
  expect(await field("refreshes").textContent()).toBe("1");
  expect(await page.content()).not.toMatch(/pat_|prt_/);
  expect(errors).toEqual([]);
});

test("deny on the consent page: the friendly cancelled page, and still signed out", async () => {
  await page.goto(demo.appUrl);
  await page.getByRole("link", { name: "Sign in with Pitchly" }).click();
  await page.waitForURL(`${demo.pitchlyUrl}/oauth/authorize?**`);
  await page.getByRole("button", { name: "Deny" }).click();
  await page.waitForURL(`${demo.appUrl}/auth/pitchly/callback?**`);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("You cancelled the sign-in");
  await expect(page.locator("code").textContent()).resolves.toBe("access_denied");
  await page.goto(`${demo.appUrl}/profile`);
  await page.waitForURL(`${demo.pitchlyUrl}/oauth/authorize?**`);
});

test("sign out: back home with the sign-in button; the profile sends you to Pitchly again", async () => {
  await signInAndApprove();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${demo.appUrl}/`);
  await page.getByRole("link", { name: "Sign in with Pitchly" }).waitFor();
  expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
  await page.goto(`${demo.appUrl}/profile`);
  await page.waitForURL(`${demo.pitchlyUrl}/oauth/authorize?**`);
  expect(errors).toEqual([]);
});

test("SIGTERM stops both servers cleanly", async () => {
  expect(await demo.stop()).toBe(0);
  expect(demo.output()).toContain("SIGTERM: stopping the demo");
  await expect(fetch(`${demo.pitchlyUrl}/graphql`, { method: "POST" })).rejects.toThrow();
  await expect(fetch(demo.appUrl)).rejects.toThrow();
});
