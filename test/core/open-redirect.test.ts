// returnTo can only ever send the user to a path on this app's own origin.
import request from "supertest";
import { catchAllApp, createHarness, signIn, type Harness } from "../helpers/app";
import { approvedLogin } from "../helpers/flows";
import { safeReturnTo } from "../../src/http/return-to";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const attacks = [
  "https://evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/%09/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "%2F%2Fevil.example",
  "/%2F%2Fevil.example",
  "/.//evil.example",
  "/..//evil.example",
  "http:evil.example",
  "https:/evil.example",
  "/\r\nLocation: https://evil.example",
  "／／evil.example",
];

describe("returnTo", () => {
  it.each(attacks)("never leaves the origin for %j", async (attack) => {
    const agent = request.agent(h.app);
    const res = await signIn(h, agent, `/auth/pitchly/login?returnTo=${encodeURIComponent(attack)}`);
    expect(res.status).toBe(302);
    const location = res.headers.location as string;
    expect(location.startsWith("/")).toBe(true);
    expect(location.startsWith("//")).toBe(false);
    expect(location).not.toMatch(/[\\\r\n\t]/);
    expect(new URL(location, "https://app.example").origin).toBe("https://app.example");
  });

  it("keeps a harmless same-origin path with query and hash", () => {
    expect(safeReturnTo("/a/b?c=1#d")).toBe("/a/b?c=1#d");
    expect(safeReturnTo("/%09/evil.example")).toBe("/%09/evil.example");
  });

  it.each(attacks)("rejects %j at the parser", (attack) => {
    const result = safeReturnTo(attack);
    if (result !== undefined) {
      expect(result.startsWith("/") && !result.startsWith("//")).toBe(true);
      expect(new URL(result, "https://app.example").origin).toBe("https://app.example");
    }
  });

  it("ignores a returnTo slipped into the callback", async () => {
    const agent = request.agent(h.app);
    const { callbackPath } = await approvedLogin(h.mock, agent);
    const res = await agent.get(`${callbackPath}&returnTo=https%3A%2F%2Fevil.example`).expect(302);
    expect(res.headers.location).toBe("/");
  });

  it("stores no off-origin returnTo for an anonymous GET //evil.example on a catch-all protected app", async () => {
    const app = catchAllApp(h.auth);
    const res = await request(app).get("//evil.example/x").set("Accept", "text/html").expect(302);
    expect(res.headers.location).toBe("/auth/pitchly/login");
    const fine = await request(app).get("/deep/page?x=1").set("Accept", "text/html").expect(302);
    expect(fine.headers.location).toBe("/auth/pitchly/login?returnTo=%2Fdeep%2Fpage%3Fx%3D1");
  });
});
