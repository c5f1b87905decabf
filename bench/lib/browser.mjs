// A minimal browser for the bench: one session cookie, and the real login → consent → callback flow.
import { Agent, request } from "undici";

const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

export function closeBrowsers() {
  return dispatcher.close();
}

/** `connect.sid=…` from a Set-Cookie header (string or array), or undefined. */
function sessionCookie(setCookie) {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of all) {
    const m = /^(connect\.sid=[^;]+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** The session id (unsigned) behind a `connect.sid=s%3A<id>.<sig>` cookie. */
export function sessionIdOf(cookie) {
  const raw = decodeURIComponent(cookie.slice("connect.sid=".length));
  return raw.startsWith("s:") ? raw.slice(2, raw.lastIndexOf(".")) : raw;
}

export class Browser {
  /** `origin` is the app server's real origin; the mock's callback Location is replayed there. */
  constructor(origin) {
    this.origin = origin;
    this.cookie = undefined;
  }

  async get(url, { withCookie = true } = {}) {
    const headers = withCookie && this.cookie ? { cookie: this.cookie } : {};
    const res = await request(url, { method: "GET", headers, dispatcher });
    const body = await res.body.text();
    const cookie = sessionCookie(res.headers["set-cookie"]);
    if (cookie && withCookie) this.cookie = cookie;
    return { status: res.statusCode, location: res.headers.location, body };
  }

  /** GET the app's login route only (a login that never comes back). */
  async startLogin(path = "/auth/pitchly/login") {
    const res = await this.get(this.origin + path);
    if (res.status !== 302) throw new Error(`login answered ${res.status}: ${res.body.slice(0, 200)}`);
    return res.location;
  }

  /** A complete sign-in: app login → Pitchly consent page → Approve → app callback. */
  async login(path = "/auth/pitchly/login") {
    const authorizeUrl = await this.startLogin(path);
    const page = await this.get(authorizeUrl, { withCookie: false });
    const tx = /name="tx" value="([^"]+)"/.exec(page.body)?.[1];
    if (page.status !== 200 || !tx) throw new Error(`consent page answered ${page.status}: ${page.body.slice(0, 200)}`);
    const decision = await request(new URL("/oauth/authorize/decision", authorizeUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ tx, decision: "approve" }).toString(),
      dispatcher,
    });
    await decision.body.dump();
    const location = decision.headers.location;
    if (decision.statusCode !== 302 || !location) throw new Error(`consent decision answered ${decision.statusCode}`);
    const callback = new URL(location);
    const done = await this.get(this.origin + callback.pathname + callback.search);
    if (done.status !== 302 || done.location?.includes("failed")) {
      throw new Error(`callback answered ${done.status} → ${done.location}: ${done.body.slice(0, 200)}`);
    }
    return this.cookie;
  }
}

/** Signs `count` fresh browsers in, `concurrency` at a time; resolves to their cookies. */
export async function loginMany(origin, count, concurrency = 10) {
  const cookies = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      cookies.push(await new Browser(origin).login());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return cookies;
}
