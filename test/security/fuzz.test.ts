// Threat: whatever we did not think of. fast-check throws thousands of generated callback, login and
// page requests at a listening app: never a 5xx (beyond Pitchly's own reported outages), never a token
// request without a valid state, never a Location off this origin.
import fc from "fast-check";
import request from "supertest";
import { catchAllApp, REDIRECT_URI } from "../helpers/app";
import { pendingLogins, sameOrigin, secureHarness, sidOf, useSecureHarnesses } from "./helpers/harness";

useSecureHarnesses();

const NASTY = [
  "",
  "%",
  "%ZZ",
  "%FF",
  "%C0%AF",
  "%0D%0A",
  "\r\n",
  "\u0000",
  "+",
  "&",
  "=",
  "#",
  "javascript:alert(1)",
  "//evil.example",
  "/\\evil.example",
  "<script>alert(1)</script>",
  "access_denied",
  "server_error",
  "temporarily_unavailable",
  "invalid_scope",
  "pac_fake",
  "A".repeat(5000),
  "[]",
  "{}",
  "__proto__",
  "／／evil.example",
  "%252F%252Fevil.example",
  "https://evil.example",
];
const KEYS = [
  "code",
  "error",
  "error_description",
  "error_uri",
  "access_token",
  "id_token",
  "refresh_token",
  "returnTo",
  "code[]",
  "code[x]",
  "error[]",
  "iss",
  "scope",
  "redirect",
  "next",
];

const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary-ascii", maxLength: 30 }),
  fc.constantFrom(...NASTY),
);
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
/** [key, value, sendRaw]: raw pieces go on the wire unencoded when the HTTP client can carry them. */
const pairs = fc.array(fc.tuple(key, text, fc.boolean()), { maxLength: 6 });

const wireSafe = (s: string) => /^[\x21-\x7e]*$/.test(s) && !s.includes("#");
function encodePairs(list: Array<[string, string, boolean]>): string {
  return list
    .map(([k, v, raw]) => (raw && wireSafe(k) && wireSafe(v) ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join("&");
}

const UPSTREAM: Record<string, number> = {
  temporarily_unavailable: 503,
  server_error: 502,
  invalid_request: 502,
  unauthorized_client: 502,
  unsupported_response_type: 502,
  invalid_scope: 502,
};

/** What the callback must do with a valid state and these (fully encoded) parameters. */
function oracle(list: Array<[string, string]>): { statuses: number[]; tokenRequest: boolean } {
  const all = (name: string) => list.filter(([k]) => k === name).map(([, v]) => v);
  const structured = (name: string) => list.some(([k]) => k !== name && k.startsWith(`${name}[`));
  const errorSent = all("error").length > 0 || structured("error");
  const codeSent = all("code").length > 0 || structured("code");
  if (errorSent && codeSent) return { statuses: [400], tokenRequest: false };
  if (errorSent) {
    const [only, ...rest] = all("error");
    if (only === "access_denied" && rest.length === 0) return { statuses: [403], tokenRequest: false };
    const upstream = only !== undefined && rest.length === 0 && Object.hasOwn(UPSTREAM, only) ? UPSTREAM[only] : undefined;
    return { statuses: [upstream ?? 400], tokenRequest: false };
  }
  if (["access_token", "id_token", "refresh_token"].some((name) => all(name).length > 0))
    return { statuses: [400], tokenRequest: false };
  const codes = all("code");
  const usable = codes.length === 1 && !structured("code") && /^[\x20-\x7e]{1,4096}$/.test(codes[0]!);
  // A usable but made-up code reaches Pitchly, which refuses it: 400 token_exchange_failed.
  return { statuses: [400], tokenRequest: usable };
}

it("callback without a valid state: 4xx only, and not one token request (1,000 runs)", async () => {
  const sh = await secureHarness();
  const agent = sh.agent();
  const real = await sh.approvedCallback(agent);
  const stateish = fc.oneof(fc.constant("state"), fc.constantFrom("state[]", "state[x]", "STATE", " state"));
  const withState = fc.tuple(pairs, fc.array(fc.tuple(stateish, text, fc.boolean()), { maxLength: 2 }));
  await fc.assert(
    fc.asyncProperty(withState, async ([list, states]) => {
      const res = await agent.get(`/auth/pitchly/callback?${encodePairs([...list, ...states])}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.location).toBeUndefined();
      expect(sh.mock.stats.token.authorization_code).toBe(0);
    }),
    { numRuns: 1000 },
  );
  // Nothing the fuzzer sent touched the real pending login.
  await agent.get(real).expect(302);
});

it("callback with a valid state and generated parameters: exactly the specified outcome (300 runs)", async () => {
  const sh = await secureHarness();
  const agent = sh.agent();
  const clean = pairs.map((list) =>
    list.filter(([k]) => k !== "state" && !k.startsWith("state[")).map(([k, v]) => [k, v] as [string, string]),
  );
  await fc.assert(
    fc.asyncProperty(clean, async (list) => {
      const login = await agent.get("/auth/pitchly/login").expect(302);
      const state = new URL(login.headers.location as string).searchParams.get("state")!;
      const before = sh.mock.stats.token.authorization_code;
      const res = await agent.get(`/auth/pitchly/callback?state=${state}&${encodePairs(list.map(([k, v]) => [k, v, false]))}`);
      const expected = oracle(list);
      expect(expected.statuses).toContain(res.status);
      expect(res.headers.location).toBeUndefined();
      expect(sh.mock.stats.token.authorization_code - before).toBe(expected.tokenRequest ? 1 : 0);
    }),
    { numRuns: 300 },
  );
  await agent.get("/api/me").expect(401);
});

const returnTo = fc.oneof(
  text,
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => `/${s}`),
  fc.tuple(fc.constantFrom("/", "//", "\\", "/\\", "///", "/%2F", "／"), text).map(([a, b]) => a + b),
);
const hostHeader = fc.stringMatching(/^[a-z0-9.:-]{1,30}$/);

it("login with generated returnTo and Host headers: always Pitchly's authorize URL, only same-origin returnTo stored (600 runs)", async () => {
  const sh = await secureHarness();
  const agent = sh.agent();
  await fc.assert(
    fc.asyncProperty(returnTo, fc.option(hostHeader), fc.option(hostHeader), async (target, host, forwarded) => {
      let req = agent.get(`/auth/pitchly/login?returnTo=${encodeURIComponent(target)}`);
      if (host !== null) req = req.set("Host", host);
      if (forwarded !== null) req = req.set("X-Forwarded-Host", forwarded);
      const res = await req;
      expect(res.status).toBe(302);
      const url = new URL(res.headers.location as string);
      expect(`${url.origin}${url.pathname}`).toBe(`${sh.mock.url}/oauth/authorize`);
      expect(url.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
      const stored = pendingLogins(sh.store, sidOf(agent)).at(-1)?.returnTo;
      if (stored !== undefined) expect(sameOrigin(String(stored))).toBe(true);
    }),
    { numRuns: 600 },
  );
});

it("full sign-ins with generated returnTo end on this origin (60 runs)", async () => {
  const sh = await secureHarness();
  await fc.assert(
    fc.asyncProperty(returnTo, async (target) => {
      const res = await sh.signIn(sh.agent(), `/auth/pitchly/login?returnTo=${encodeURIComponent(target)}`);
      expect(res.status).toBe(302);
      expect(sameOrigin(res.headers.location as string)).toBe(true);
    }),
    { numRuns: 60 },
  );
});

it("anonymous page requests on a catch-all protected app: a same-origin login redirect, never a 5xx (600 runs)", async () => {
  const sh = await secureHarness();
  const app = catchAllApp(sh.auth, sh.store);
  const server = sh.serve(app);
  const segment = fc.oneof(
    fc.constantFrom(
      "",
      ".",
      "..",
      "evil.example",
      "%2F",
      "%5C",
      "\\",
      "@",
      ":",
      "%2e",
      "%00",
      "%0d%0a",
      "%",
      "%ZZ",
      "／",
      "?",
      "?returnTo=//evil.example",
    ),
    fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
  );
  const path = fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join("/")}`);
  // The HTTP client cannot put spaces, controls or non-Latin-1 on the wire; escape just those.
  const onWire = (p: string) => p.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)).replace(/#/g, "%23");
  await fc.assert(
    fc.asyncProperty(path, async (p) => {
      const res = await request(server).get(onWire(p)).set("Accept", "text/html");
      expect(res.status).toBeLessThan(500);
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.location as string;
        expect(sameOrigin(location)).toBe(true);
        const back = new URL(location, "http://x").searchParams.get("returnTo");
        if (back !== null) expect(sameOrigin(back)).toBe(true);
      }
    }),
    { numRuns: 600 },
  );
});
