// The SPA page in a real browser: implicit sign-in, the fragment scrubbed, a forged state rejected, and PKCE (cross-origin CORS calls).
import { screenshot, useDemoInBrowser, watchErrors } from "./e2e-helpers";

let errors: string[];
const t = useDemoInBrowser((page, demo) => {
  errors = watchErrors(page, demo.appUrl);
});

async function approveOnPitchly(appName = "DealDesk SPA"): Promise<void> {
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  await t.page.getByRole("heading", { name: `${appName} wants to access your Pitchly account` }).waitFor();
  await t.page.getByRole("button", { name: "Approve" }).click();
}

const text = (selector: string) => t.page.locator(selector).textContent();

test("implicit flow: signs in from the browser, shows the user's name, and the fragment is gone", async () => {
  await t.page.goto(`${t.demo.appUrl}/spa`);
  await t.page.getByRole("button", { name: "Sign in (implicit flow)" }).click();
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  const authorize = new URL(t.page.url());
  expect(authorize.searchParams.get("response_type")).toBe("token");
  await approveOnPitchly();
  await t.page.waitForURL(`${t.demo.appUrl}/spa**`);
  // v2 has no identity query: the SPA shows the organization's databases instead of a name.
  await t.page.locator("#spa-name", { hasText: "Signed in to Pitchly v2" }).waitFor();
  expect(await text("#spa-email")).toBe("Databases: Deals, Contacts");
  expect(await text("#spa-flow")).toBe("implicit flow");
  expect(await text("#spa-refresh-kind")).toBe("none");
  expect(t.page.url()).toBe(`${t.demo.appUrl}/spa`);
  expect(await t.page.evaluate(() => location.hash)).toBe("");
  expect(await t.page.content()).not.toMatch(/plyu_|prt_/);
  await t.page.locator("#spa-expires", { hasText: /^1h 59m \d+s$/ }).waitFor();
  await screenshot(t.page, "screenshot-spa.png", { fullPage: true });
  expect(errors).toEqual([]);
});

test("a forged fragment with another state is rejected with a visible error, and scrubbed too", async () => {
  // A real login is pending in this tab (its state is in sessionStorage) when the forged answer arrives.
  await t.page.goto(`${t.demo.appUrl}/spa`);
  await t.page.getByRole("button", { name: "Sign in (implicit flow)" }).click();
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  const pending = await t.page.goto(
    `${t.demo.appUrl}/spa#access_token=pat_forged&token_type=bearer&expires_in=7200&state=someone-elses-state`,
  );
  expect(pending?.status()).toBe(200);
  const alert = t.page.getByRole("alert");
  await alert.waitFor();
  expect(await alert.textContent()).toContain("does not belong to a sign-in started in this tab");
  expect(await alert.textContent()).toContain("state_mismatch");
  expect(await t.page.locator("#spa-signed-in").isHidden()).toBe(true);
  expect(await t.page.evaluate(() => location.hash)).toBe("");
  expect(t.page.url()).toBe(`${t.demo.appUrl}/spa`);
});

test("PKCE: a public client (no secret) signs in, exchanges the code cross-origin, and refreshes", async () => {
  await t.page.goto(`${t.demo.appUrl}/spa`);
  await t.page.getByRole("button", { name: "Sign in with PKCE" }).click();
  await t.page.waitForURL(`${t.demo.pitchlyUrl}/oauth/authorize?**`);
  const authorize = new URL(t.page.url());
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("client_id")).toBe("demo-spa");
  await approveOnPitchly();
  await t.page.waitForURL(`${t.demo.appUrl}/spa**`);
  await t.page.locator("#spa-name", { hasText: "Signed in to Pitchly v2" }).waitFor();
  expect(await text("#spa-flow")).toBe("PKCE");
  expect(t.page.url()).toBe(`${t.demo.appUrl}/spa`);
  expect(await text("#spa-refresh-kind")).toBe("yes, rotating");

  await t.page.getByRole("button", { name: "Refresh the token" }).click();
  await t.page.locator("#spa-refreshes", { hasText: "1" }).waitFor();
  await t.page.getByRole("button", { name: "Refresh the token" }).click();
  await t.page.locator("#spa-refreshes", { hasText: "2" }).waitFor();
  expect(await t.page.getByRole("alert").isHidden()).toBe(true);
  expect(errors).toEqual([]);
});

test("the SPA page's headers reach the browser: CSP without third parties, no referrer, no store", async () => {
  const res = await t.page.goto(`${t.demo.appUrl}/spa`);
  const headers = res?.headers() ?? {};
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["content-security-policy"]).toContain("script-src 'self';");
  expect(headers["content-security-policy"]).toContain(`connect-src 'self' ${t.demo.pitchlyUrl};`);
  // An inline script is refused by that CSP: the page has none, and one injected now does not run.
  const ran = await t.page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.inlineRan = true";
    document.body.append(s);
    return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
  });
  expect(ran).toBe(false);
});
