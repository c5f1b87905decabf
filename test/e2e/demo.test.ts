// The demo in a real browser: sign in and approve, expire + call the API (refresh count goes up), deny, sign out.
import { screenshot, useDemoInBrowser, watchErrors } from "./e2e-helpers";

let errors: string[];
const t = useDemoInBrowser((page, demo) => {
  errors = watchErrors(page, demo.appUrl);
});

async function signInAndApprove(screenshots = false): Promise<void> {
  await t.page.goto(t.demo.appUrl);
  if (screenshots) await screenshot(t.page, "screenshot-home.png");
  await t.page.getByRole("link", { name: "Sign in with Pitchly" }).click();
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  await t.page.getByRole("heading", { name: "DealDesk wants to access your Pitchly account" }).waitFor();
  if (screenshots) await screenshot(t.page, "screenshot-consent.png");
  await t.page.getByRole("button", { name: "Approve" }).click();
  await t.page.waitForURL(`${t.demo.appUrl}/profile`);
}

const field = (name: string) => t.page.locator(`[data-field="${name}"]`);

test("npm run demo prints both URLs and what to click", () => {
  const out = t.demo.output();
  expect(out).toContain(`Local Pitchly   ${t.demo.pitchlyUrl}`);
  expect(out).toContain(`DealDesk demo   ${t.demo.appUrl}`);
  expect(out).toContain('click "Sign in with Pitchly"');
  expect(out).toContain('click "Approve"');
});

test("click sign in, approve on the local Pitchly, see the profile", async () => {
  await signInAndApprove(true);
  await expect(t.page.locator("#user-name").textContent()).resolves.toBe("Ada Lovelace");
  await expect(t.page.locator("#user-email").textContent()).resolves.toBe("ada@example.com");
  expect(await t.page.locator("table tbody tr").count()).toBe(4);
  await expect(field("refreshes").textContent()).resolves.toBe("0");
  // The countdown script runs: the text changes within two ticks.
  const first = await field("expires-in").textContent();
  await t.page.waitForFunction((before) => document.querySelector('[data-field="expires-in"]')?.textContent !== before, first);
  expect(await field("expires-in").textContent()).toMatch(/^59m \d+s$/);
  expect(await t.page.content()).not.toMatch(/plyu_|prt_/);
  await screenshot(t.page, "screenshot-profile.png", { fullPage: true });
  expect(errors).toEqual([]);
});

test("expire the token, call the API: a transparent refresh, visible in the panel without a reload", async () => {
  await signInAndApprove();
  await t.page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await t.page.getByRole("button", { name: "Expire my token now" }).click();
  await t.page.locator(".status-warn", { hasText: "Expired at Pitchly" }).waitFor();
  expect(await field("refreshes").textContent()).toBe("0");
  expect(await field("last-refresh").textContent()).toBe("not yet");

  await t.page.getByRole("button", { name: "Call the API" }).click();
  await t.page.locator('[data-field="refreshes"]', { hasText: "1" }).waitFor();
  expect(await t.page.locator("#api-result").textContent()).toContain(
    "Pitchly said token-invalid, so the app refreshed the token and retried",
  );
  expect(await field("last-refresh").textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
  expect(await field("status").textContent()).toMatch(/^Valid/);
  expect(await t.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  await t.page.getByRole("button", { name: "Call the API" }).click();
  await t.page.locator("#api-result", { hasText: "no refresh needed" }).waitFor();
  expect(await field("refreshes").textContent()).toBe("1");

  await t.page.reload();
  expect(await field("refreshes").textContent()).toBe("1");
  expect(await t.page.content()).not.toMatch(/pat_|prt_/);
  expect(errors).toEqual([]);
});

test("deny on the consent page: the friendly cancelled t.page, and still signed out", async () => {
  await t.page.goto(t.demo.appUrl);
  await t.page.getByRole("link", { name: "Sign in with Pitchly" }).click();
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  await t.page.getByRole("button", { name: "Deny" }).click();
  await t.page.waitForURL(`${t.demo.appUrl}/auth/pitchly/callback?**`);
  await expect(t.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("You cancelled the sign-in");
  await expect(t.page.locator("code").textContent()).resolves.toBe("access_denied");
  await t.page.goto(`${t.demo.appUrl}/profile`);
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
});

test("sign out: back home with the sign-in button; the profile sends you to Pitchly again", async () => {
  await signInAndApprove();
  await t.page.getByRole("button", { name: "Sign out" }).click();
  await t.page.waitForURL(`${t.demo.appUrl}/`);
  await t.page.getByRole("link", { name: "Sign in with Pitchly" }).waitFor();
  expect(await t.page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
  await t.page.goto(`${t.demo.appUrl}/profile`);
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  expect(errors).toEqual([]);
});

test("SIGTERM stops both servers cleanly", async () => {
  expect(await t.demo.stop()).toBe(0);
  expect(t.demo.output()).toContain("SIGTERM: stopping the demo");
  await expect(fetch(`${t.demo.pitchlyUrl}/graphql`, { method: "POST" })).rejects.toThrow();
  await expect(fetch(t.demo.appUrl)).rejects.toThrow();
});
