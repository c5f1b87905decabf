// The local Pitchly's plugin workspace page over HTTP: the framed plugin, its CSP, the separate script, 404s.
import { Script } from "node:vm";
import request from "supertest";
import { startMockPitchly, type MockPitchly, type MockUser } from "express-pitchly/testing";

const PLUGIN_URL = "http://localhost:3000/plugin?view=side&x=<b>";
const ADA: MockUser & { personId: string } = {
  id: "user-1",
  name: "Ada Lovelace",
  email: "ada@example.com",
  personId: "psnAdaLovelace000001",
};
const GRACE: MockUser = { id: "user-2", name: "Grace <Hopper>", email: "grace@example.com" };

let pitchly: MockPitchly;
beforeAll(async () => {
  pitchly = await startMockPitchly({
    clients: [
      { clientId: "dealdesk", clientSecret: "s3cret", redirectUris: ["http://localhost:3000/auth/pitchly/callback"] },
      { clientId: "other", clientSecret: "s3cret", redirectUris: ["https://other.example/cb"] },
      { clientId: "web-only", clientSecret: "s3cret", redirectUris: ["https://web.example/cb"] },
    ],
    users: [ADA, GRACE],
    plugins: [
      { clientId: "dealdesk", url: PLUGIN_URL, name: `Deal<Desk>` },
      { clientId: "other", url: "https://other.example:8443/side" },
    ],
  });
});
afterAll(() => pitchly.close());

const path = (url: string) => url.slice(pitchly.url.length);
const directives = (csp: string) =>
  new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([n, ...v]) => [n, v]),
  );

describe("GET /workspace/:workspaceId", () => {
  test("frames the plugin URL beside a clickable fake table, for the plugin's origin", async () => {
    const res = await request(pitchly.url).get(path(pitchly.workspaceUrl())).expect(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    const html = res.text;
    expect(html).toContain(
      `<iframe id="plugin-frame" title="Deal&lt;Desk&gt;" src="http://localhost:3000/plugin?view=side&amp;x=&lt;b&gt;">`,
    );
    expect(html).toContain('data-plugin-origin="http://localhost:3000"');
    expect(html).toMatch(/data-workspace-id="wks[A-Za-z0-9]{17}"/);
    expect(html).toMatch(
      /<button type="button" class="table-tab" aria-pressed="false" data-table-id="tbl[A-Za-z0-9]{17}">Deals<\/button>/,
    );
    expect(html).toMatch(
      /<button type="button" class="cell" aria-pressed="false" data-field-id="fld[A-Za-z0-9]{17}" data-record-id="rec[A-Za-z0-9]{17}">Acme<\/button>/,
    );
    expect(html).not.toMatch(/<b>|<Desk>/);
  });

  test("reports the user's platform person id (given, else derived from the user id) and escapes the user's name", async () => {
    const ada = await request(pitchly.url)
      .get(path(pitchly.workspaceUrl({ userId: "user-1" })))
      .expect(200);
    expect(ada.text).toContain('data-person-id="psnAdaLovelace000001"');
    const grace = await request(pitchly.url)
      .get(path(pitchly.workspaceUrl({ userId: "user-2" })))
      .expect(200);
    expect(grace.text).toMatch(/data-person-id="psn[A-Za-z0-9]{17}"/);
    expect(grace.text).not.toContain('data-person-id="psnAdaLovelace000001"');
    expect(grace.text).toContain("<strong>Grace &lt;Hopper&gt;</strong>");
  });

  test("a CSP that frames the plugin's origin (and this server, for the sign-in), with no inline script", async () => {
    const res = await request(pitchly.url)
      .get(path(pitchly.workspaceUrl({ clientId: "other", workspaceId: "wksOther" })))
      .expect(200);
    const csp = directives(res.headers["content-security-policy"] ?? "");
    expect(csp.get("frame-src")).toEqual(["https://other.example:8443", "'self'"]);
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.text).toContain('src="https://other.example:8443/side"');
    expect(res.text).toContain('data-workspace-id="wksOther"');
    const scripts = [...res.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => [m[0].match(/src="([^"]+)"/)?.[1], m[1]])).toEqual([["/workspace.js", ""]]);
    expect(res.text).not.toMatch(/\son[a-z]+=/i);
  });

  test.each([
    ["an unknown plugin", "/workspace/wksLocalWorkspace001?plugin=nobody"],
    ["a client that is not a plugin's", "/workspace/wksLocalWorkspace001?plugin=web-only"],
    ["an unknown user", "/workspace/wksLocalWorkspace001?user=user-9"],
    ["a malformed workspace id", "/workspace/wks%3Cx%3E"],
    ["a nested path", "/workspace/wksLocalWorkspace001/extra"],
    ["no workspace id", "/workspace/"],
  ])("answers 404 for %s", async (_label, url) => {
    const res = await request(pitchly.url).get(url).expect(404);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text).not.toContain("<iframe");
  });

  test("refuses other methods", async () => {
    const res = await request(pitchly.url).post("/workspace/wksLocalWorkspace001").expect(405);
    expect(res.headers.allow).toBe("GET, HEAD");
  });

  test("leaves every other route to the rest of the local Pitchly", async () => {
    await request(pitchly.url).get("/workspaces").expect(404, { error: "not_found" });
    await request(pitchly.url).get("/oauth/token").expect(405);
  });
});

describe("the consent page inside the plugin frame", () => {
  test("may be framed by the local Pitchly's own pages (the workspace), by no other site", async () => {
    const query = new URLSearchParams({
      response_type: "code",
      client_id: "dealdesk",
      redirect_uri: "http://localhost:3000/auth/pitchly/callback",
      state: "s",
    });
    const res = await request(pitchly.url).get(`/oauth/authorize?${query}`).expect(200);
    expect(res.text).toContain("<form");
    expect(directives(res.headers["content-security-policy"] ?? "").get("frame-ancestors")).toEqual(["'self'"]);
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
  });
});

describe("GET /workspace.js", () => {
  test("serves the page's script as JavaScript that parses and plays Pitchly's side of the handshake", async () => {
    const res = await request(pitchly.url).get("/workspace.js").expect(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(() => new Script(res.text)).not.toThrow();
    expect(res.text).toContain("event.source !== frame.contentWindow || event.origin !== pluginOrigin");
    expect(res.text).toContain("postMessage({ type: type, data: state[type] }, pluginOrigin)");
    expect(res.text).not.toMatch(/postMessage\([^)]*"\*"/);
  });
});

describe("workspaceUrl() and the plugins option", () => {
  test("builds the page URL for the first plugin by default", () => {
    expect(pitchly.workspaceUrl()).toMatch(new RegExp(`^${pitchly.url}/workspace/wks[A-Za-z0-9]{17}\\?plugin=dealdesk$`));
    expect(pitchly.workspaceUrl({ clientId: "other", workspaceId: "wks1", userId: "user-2" })).toBe(
      `${pitchly.url}/workspace/wks1?plugin=other&user=user-2`,
    );
    expect(() => pitchly.workspaceUrl({ clientId: "nobody" })).toThrow("unknown plugin nobody");
    expect(() => pitchly.workspaceUrl({ userId: "user-9" })).toThrow("unknown userId user-9");
  });

  test("without plugins there is no workspace page", async () => {
    const bare = await startMockPitchly({ clients: [{ clientId: "a", redirectUris: ["https://a.example/cb"] }] });
    try {
      expect(() => bare.workspaceUrl()).toThrow("no plugins are registered");
      await request(bare.url).get("/workspace/wksLocalWorkspace001").expect(404);
    } finally {
      await bare.close();
    }
  });

  test.each([
    [[{ clientId: "ghost", url: "https://a.example/p" }], "plugin ghost is not one of the clients"],
    [[{ clientId: "a", url: "/relative" }], "plugin a: url must be an absolute http(s) URL"],
    [[{ clientId: "a", url: "javascript:alert(1)" }], "plugin a: url must be an absolute http(s) URL"],
    [
      [
        { clientId: "a", url: "https://a.example/p" },
        { clientId: "a", url: "https://a.example/q" },
      ],
      "duplicate plugin a",
    ],
  ])("refuses plugins %j", async (plugins, message) => {
    await expect(
      startMockPitchly({ clients: [{ clientId: "a", redirectUris: ["https://a.example/cb"] }], plugins }),
    ).rejects.toThrow(message);
  });
});
