// DealDesk's plugin instance in-process: framing headers for the platform, the cookie a frame needs, the JSON route's guard.
import request from "supertest";
import { startDemoHarness, type DemoHarness } from "./demo-harness";

// Only written into headers here, so any origin will do (the real demo uses the local Pitchly's).
const PLATFORM = "http://127.0.0.1:4999";
let h: DemoHarness;
beforeEach(async () => {
  h = await startDemoHarness({ config: { plugin: { platformOrigin: PLATFORM, cookie: "plugin" } } });
});
afterEach(() => h.close());

const directive = (csp: string | undefined, name: string) =>
  (csp ?? "")
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

test("the signed-out panel may be framed by the platform only, with its sign-in staying in the frame", async () => {
  const res = await request(h.app).get("/plugin").expect(200);
  expect(directive(res.headers["content-security-policy"], "frame-ancestors")).toBe(`frame-ancestors 'self' ${PLATFORM}`);
  expect(res.headers["x-frame-options"]).toBeUndefined();
  expect(res.text).toContain('href="/auth/pitchly/login?returnTo=%2Fplugin"');
  expect(res.text).not.toMatch(/<script>|\son[a-z]+=/i);
  await request(h.app).get("/").expect(303).expect("Location", "/plugin");
});

test("the session cookie is SameSite=None; Secure; Partitioned on http://localhost (Chromium keeps it there)", async () => {
  const login = await request(h.app).get("/auth/pitchly/login?returnTo=%2Fplugin").set("Host", "localhost:3000").expect(302);
  const cookie = String(login.headers["set-cookie"]);
  expect(cookie).toMatch(/^dealdesk\.sid=.*; HttpOnly; Secure; Partitioned; SameSite=None/);
  // The auth routes send the package's own frame-ancestors, over helmet's.
  expect(directive(login.headers["content-security-policy"], "frame-ancestors")).toBe(`frame-ancestors 'self' ${PLATFORM}`);
  expect(login.headers["content-security-policy"]).toContain("default-src 'self'");
});

test("the record route answers JSON: 401 signed out, never a redirect into the frame", async () => {
  const res = await request(h.app).get("/plugin/record?table=tblX&record=recY").set("Accept", "application/json").expect(401);
  expect(res.body).toEqual({ error: "login_required" });
});
