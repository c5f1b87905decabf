// DealDesk as a Pitchly plugin in a real browser: framed by the local Pitchly's workspace, signed in inside the frame.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FrameLocator } from "playwright-core";
import { screenshot, startDemoProcess, useDemoInBrowser } from "./e2e-helpers";

let errors: string[] = [];
const t = useDemoInBrowser((page, demo) => {
  errors = [];
  // The framed plugin's own console errors (CSP violations, failed requests, script errors), not the local Pitchly's.
  page.on("console", (msg) => {
    if (msg.type() === "error" && msg.location().url.startsWith(demo.pluginUrl))
      errors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(err.message));
});

const plugin = (): FrameLocator => t.page.frameLocator("#plugin-frame");

/** The cell button of the workspace page whose text is `text`, in the visible table. */
const cell = (text: string) => t.page.locator("table.grid:not([hidden]) button.cell", { hasText: text }).first();

const USER_IDS: Record<string, string> = { "Ada Lovelace": "user-1", "Grace Hopper": "user-2" };

async function signInInFrame(userName = "Ada Lovelace"): Promise<void> {
  const frame = plugin();
  await frame.getByRole("link", { name: "Sign in with Pitchly" }).click();
  await frame.getByRole("heading", { name: "DealDesk wants to access your Pitchly account" }).waitFor();
  await frame.locator("select#user").selectOption(USER_IDS[userName] ?? "");
  await frame.getByRole("button", { name: "Approve" }).click();
  await frame.locator("#user-name", { hasText: userName }).waitFor();
}

async function recordTitle(text: string): Promise<void> {
  await plugin().locator("#record-title", { hasText: text }).waitFor();
}

test("npm run demo prints the workspace URL that frames the plugin", () => {
  expect(t.demo.workspaceUrl).toMatch(
    new RegExp(`^${t.demo.pitchlyUrl.replace(/\./g, "\\.")}/workspace/wks[A-Za-z0-9]{17}\\?plugin=demo-app$`),
  );
  expect(t.demo.output()).toContain("DealDesk as a Pitchly plugin");
});

test("inside the frame: sign in, approve, follow the selection, one refresh after an expiry, sign out", async () => {
  await t.page.goto(t.demo.workspaceUrl);
  await plugin().getByRole("link", { name: "Sign in with Pitchly" }).waitFor();
  await signInInFrame();
  // After the framed page says ready, the workspace's first cell (Deals, Acme) is reported and shown.
  await t.page.locator("body[data-ready=true]").waitFor();
  await recordTitle("Acme");
  const frame = plugin();
  await expect(frame.locator("#record-table").textContent()).resolves.toBe("Deals");
  await expect(frame.locator("#record").getAttribute("data-record-id")).resolves.toBe(
    await t.page.locator("body").getAttribute("data-active-record"),
  );
  await expect(frame.locator('[data-field="refreshes"]').textContent()).resolves.toBe("0");

  await frame.getByRole("button", { name: "Expire my token now" }).click();
  await frame.locator('[data-field="status"]', { hasText: "Expired at Pitchly" }).waitFor();
  await cell("Globex").click();
  await recordTitle("Globex");
  await expect(frame.locator("#record-values").textContent()).resolves.toContain("Negotiation");
  await expect(frame.locator('[data-field="refreshes"]').textContent()).resolves.toBe("1");
  await screenshot(t.page, "screenshot-plugin.png");

  await t.page.getByRole("button", { name: "Contacts" }).click();
  await recordTitle("Grace Hopper");
  await expect(frame.locator("#record-table").textContent()).resolves.toBe("Contacts");
  await cell("Alan Turing").click();
  await recordTitle("Alan Turing");
  await expect(frame.locator('[data-field="refreshes"]').textContent()).resolves.toBe("1");
  const html = await frame.locator("html").innerHTML();
  expect(html).not.toMatch(/plyu_|prt_/);

  await frame.getByRole("button", { name: "Sign out" }).click();
  await frame.getByRole("link", { name: "Sign in with Pitchly" }).waitFor();
  expect(errors).toEqual([]);
  expect(t.demo.output()).not.toContain("PITCHLY_PLUGIN_");
});

test("a page on a third origin can neither frame the plugin nor steer it with fake workspace messages", async () => {
  const evil = await startEvilSite(t.demo.pluginUrl);
  try {
    const evilPage = await t.browser.context.newPage();
    const refused: string[] = [];
    evilPage.on("console", (msg) => {
      if (msg.type() === "error" && msg.text().includes("frame-ancestors")) refused.push(msg.text());
    });
    try {
      await evilPage.goto(evil.url);
      // frame-ancestors allows only the app and the platform origin: the browser refuses to render the plugin here.
      for (let waited = 0; refused.length === 0 && waited < 5000; waited += 100) await evilPage.waitForTimeout(100);
      expect(refused[0]).toContain(`frame-ancestors 'self' ${t.demo.pitchlyUrl}`);
      for (const frame of evilPage.frames()) {
        await expect(frame.getByRole("link", { name: "Sign in with Pitchly" }).count()).resolves.toBe(0);
      }

      // Opened as a popup instead (frame-ancestors does not apply) and signed in there (top level, its own cookie
      // partition), it hears the evil page's messages and drops every one: a `person` it took would sign it out.
      const popupPromise = evilPage.waitForEvent("popup");
      await evilPage.locator("#open").click();
      const popup = await popupPromise;
      await popup.getByRole("link", { name: "Sign in with Pitchly" }).click();
      await popup.locator("select#user").selectOption("user-1");
      await popup.getByRole("button", { name: "Approve" }).click();
      await popup.locator("#user-name", { hasText: "Ada Lovelace" }).waitFor();
      await evilPage.evaluate(() => (window as unknown as { spam(): void }).spam());
      await popup.waitForTimeout(800);
      await expect(popup.locator("body").getAttribute("data-framed")).resolves.toBe("false");
      await expect(popup.locator("#record-title").textContent()).resolves.toBe("Pick a cell in the workspace");
      await expect(popup.locator("body").getAttribute("data-mismatch")).resolves.toBeNull();
      await expect(popup.locator("#user-name").textContent()).resolves.toBe("Ada Lovelace");
      await popup.close();
    } finally {
      await evilPage.close();
    }
  } finally {
    const closed = new Promise<void>((resolve) => evil.server.close(() => resolve()));
    evil.server.closeAllConnections();
    await closed;
  }
});

test("a person other than the signed-in one leads to a fresh sign-in inside the frame", async () => {
  await t.page.goto(t.demo.workspaceUrl);
  await signInInFrame("Ada Lovelace");
  await recordTitle("Acme");
  // The same browser, the workspace now looked at as Grace: Pitchly's person is not this session's.
  await t.page.goto(`${t.demo.workspaceUrl}&user=user-2`);
  const frame = plugin();
  await frame.getByRole("heading", { name: "DealDesk wants to access your Pitchly account" }).waitFor();
  await frame.locator("select#user").selectOption("user-2");
  await frame.getByRole("button", { name: "Approve" }).click();
  await frame.locator("#user-name", { hasText: "Grace Hopper" }).waitFor();
  await recordTitle("Acme");
  await expect(frame.locator("body").getAttribute("data-mismatch")).resolves.toBeNull();
});

test("with the default cookie the framed sign-in fails, and the self-check said why", async () => {
  const lax = await startDemoProcess({ PLUGIN_COOKIE: "default" });
  try {
    await t.page.goto(lax.workspaceUrl);
    const frame = plugin();
    await frame.getByRole("link", { name: "Sign in with Pitchly" }).click();
    await frame.getByRole("button", { name: "Approve" }).click();
    await frame.getByRole("heading", { name: "That sign-in did not start here" }).waitFor();
    const out = lax.output();
    expect(out).toContain("PITCHLY_PLUGIN_COOKIE_NOT_SAMESITE_NONE");
    expect(out).toContain("PITCHLY_PLUGIN_COOKIE_NOT_SECURE");
    expect(out).toContain("PITCHLY_PLUGIN_COOKIE_NOT_PARTITIONED");
    expect(out.split("PITCHLY_PLUGIN_COOKIE_NOT_SAMESITE_NONE").length - 1).toBe(1);
  } finally {
    await lax.stop();
  }
});

interface EvilSite {
  url: string;
  server: Server;
}

/** A third origin (another loopback port): frames the plugin, opens it as a popup, and posts Pitchly-shaped messages. */
async function startEvilSite(pluginUrl: string): Promise<EvilSite> {
  const target = `${pluginUrl}/plugin`;
  const script = `
    var popup = null;
    document.getElementById("open").addEventListener("click", function () { popup = window.open(${JSON.stringify(target)}, "plugin"); });
    window.spam = function () {
      var messages = [
        { type: "workspace", data: { workspaceId: "wksEvilEvilEvil00001" } },
        { type: "person", data: { personId: "psnEvilEvilEvil00001" } },
        { type: "table", data: { tableId: "tblEvilEvilEvil00001" } },
        { type: "activeCell", data: { fieldId: "fldEvil", recordId: "recEvil" } }
      ];
      var targets = [popup, document.getElementById("f").contentWindow];
      targets.forEach(function (w) { if (w) messages.forEach(function (m) { w.postMessage(m, "*"); }); });
    };
    setInterval(window.spam, 200);`;
  const server = createServer((req, res) => {
    if (req.url === "/evil.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(script);
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><title>Not Pitchly</title><button id="open">open</button>
      <iframe id="f" src="${target}"></iframe><script src="/evil.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
