// Real-browser fixtures: Debian's chromium via playwright-core, and `npm run demo`'s two servers started as a child process.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const ROOT = path.resolve(__dirname, "..", "..");
const DOCS = path.join(ROOT, "docs");
/** Set by `npm run screenshots`; a plain `npm run test:e2e` writes no tracked file. */
const WRITE_SCREENSHOTS = process.env.PITCHLY_SCREENSHOTS === "1";

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile, and nothing that phones home (the machine has no outside network). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error('chromium not found: install it with "apt-get install -y chromium"');
  const userDataDir = mkdtempSync(path.join(tmpdir(), "pitchly-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Console errors and uncaught exceptions while the page is on `origin` (CSP violations, failed CORS requests,
 * missing assets); the local Pitchly's own pages, e.g. its missing favicon, are not the demo's business.
 */
export function watchErrors(page: Page, origin: string): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && page.url().startsWith(origin)) errors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

/**
 * Renders the page as a PNG on every run (so a page that cannot be captured fails the test), and writes it over
 * `docs/<name>`, the README's picture, only under `npm run screenshots`.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const png = await page.screenshot({ ...options, ...(WRITE_SCREENSHOTS ? { path: path.join(DOCS, name) } : {}) });
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
}

/** `preferred` when it is free on loopback (the demo's own 3000/4010 make nicer screenshots), else any free port. */
export function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err) => (preferred === 0 ? reject(err) : resolve(freePort())));
    server.listen(preferred, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DemoProcess {
  appUrl: string;
  pitchlyUrl: string;
  /** The plugin instance of DealDesk, and the local Pitchly's workspace page that frames it (as printed). */
  pluginUrl: string;
  workspaceUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs demo-app/main.ts exactly as `npm run demo` does (after its build), on free loopback ports. */
export async function startDemoProcess(extraEnv: NodeJS.ProcessEnv = {}): Promise<DemoProcess> {
  const [appPort, pitchlyPort, pluginPort] = [await freePort(3000), await freePort(4010), await freePort(3001)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(appPort),
    PITCHLY_MOCK_PORT: String(pitchlyPort),
    PLUGIN_PORT: String(pluginPort),
    LOG_LEVEL: "warn",
    ...extraEnv,
  };
  for (const name of ["PITCHLY_CLIENT_ID", "PITCHLY_CLIENT_SECRET", "PITCHLY_REDIRECT_URI"]) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "demo-app/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start within 30 s:\n${out}`)), 30_000);
    const check = setInterval(() => {
      if (out.includes("Press Ctrl+C to stop.")) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before it started:\n${out}`));
    });
  });
  const workspaceUrl = /^ {2}Plugin +(\S+)$/m.exec(out)?.[1] ?? "";
  return {
    appUrl: `http://localhost:${appPort}`,
    pitchlyUrl: `http://127.0.0.1:${pitchlyPort}`,
    pluginUrl: `http://localhost:${pluginPort}`,
    workspaceUrl,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

export interface DemoInBrowser {
  readonly demo: DemoProcess;
  readonly browser: Browser;
  /** A fresh page per test, in a context whose cookies were cleared. */
  readonly page: Page;
}

/** The hooks a demo suite needs: one chromium and one demo process per file, a new page with no cookies per test. */
export function useDemoInBrowser(onPage?: (page: Page, demo: DemoProcess) => void): DemoInBrowser {
  const t = {} as { demo: DemoProcess; browser: Browser; page: Page };
  beforeAll(async () => {
    t.browser = await launchBrowser();
    t.demo = await startDemoProcess();
  });
  afterAll(async () => {
    await t.browser?.close();
    await t.demo?.stop();
  });
  beforeEach(async () => {
    await t.browser.context.clearCookies();
    t.page = await t.browser.context.newPage();
    onPage?.(t.page, t.demo);
  });
  afterEach(() => t.page.close());
  return t;
}
