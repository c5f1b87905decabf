// The Router's dispatch shortcut never changes which requests reach our routes: pinned to Express's own matching.
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { Router, type Express, type RequestHandler } from "express";
import session from "express-session";
import { pitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { CLIENT_ID, CLIENT_SECRET } from "../helpers/app";
import { useLocalPitchly } from "../helpers/mounts";
import { recordingLogger } from "../security/helpers/recorder";

const local = useLocalPitchly();
const agent = new http.Agent({ keepAlive: true });
afterAll(() => agent.destroy());

type Routes = NonNullable<PitchlyAuthOptions["routes"]>;
const CONFIGS: Record<string, Required<Routes>> = {
  defaults: { login: "/auth/pitchly/login", callback: "/auth/pitchly/callback", logout: "/auth/pitchly/logout" },
  // Mixed case, a trailing slash, a one-segment route, and one the shortcut leaves alone (not unreserved ASCII).
  custom: { login: "/Sign-In", callback: "/auth/pitchly/callback", logout: "/bye/" },
  encoded: { login: "/auth/p%C3%A9/login", callback: "/auth/pitchly/callback", logout: "/auth/pitchly/logout" },
};

type Mount = (app: Express, handler: RequestHandler) => string;
const MOUNTS: Record<string, Mount> = {
  root: (app, handler) => (app.use(handler), ""),
  prefix: (app, handler) => (app.use("/sso", handler), "/sso"),
  "sub-app": (app, handler) => {
    const sub = express();
    sub.use(handler);
    app.use("/portal", sub);
    return "/portal";
  },
  "nested router": (app, handler) => {
    const outer = Router();
    outer.use("/inner", handler);
    app.use("/outer", outer);
    return "/outer/inner";
  },
};

/** Paths below the mount point, for a route set: exact, case, slashes, encodings, neighbours. */
function pathsFor(routes: Required<Routes>): string[] {
  const variants = Object.values(routes).flatMap((route) => {
    const bare = route.replace(/\/+$/, "");
    const last = bare.lastIndexOf("/");
    return [
      route,
      bare,
      route.toUpperCase(),
      `${bare}/`,
      `${bare}//`,
      `/${bare}`,
      `${bare.slice(0, last)}/${bare.slice(last)}`,
      `${bare}?code=x&state=y`,
      `${bare}/?code=x`,
      `${bare.slice(0, -1)}%${bare.charCodeAt(bare.length - 1).toString(16)}`,
      `${bare}%2F`,
      bare.replace(/\//g, "%2F"),
      `${bare};v=1`,
      `${bare}.json`,
      bare.slice(0, -1),
      `/x${bare}`,
      `${bare}/x`,
      // URLs parseurl hands to url.parse, whose pathname is not the raw text before the `?`.
      bare.replace(/\//g, "\\"),
      `/${bare.slice(1).replace(/\//g, "\\")}`,
      `${bare}#fragment`,
      `${bare}?q=a#b`,
      `${bare}?q=\u00e9`,
      `${bare}\u00a0`,
      `http://127.0.0.1${bare}`,
      `http://127.0.0.1${bare}?code=x`,
    ];
  });
  return [...new Set([...variants, "/", "/api/ping", "/auth/pitchly", "/extra"])];
}

const METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT"];
const FELL_THROUGH = "x-fell-through";

/** The app around a handler: the session, the mount, and a last handler that marks a request nobody took. */
function appAround(mount: Mount, handler: RequestHandler): { app: Express; base: string } {
  const app = express();
  app.use(session({ secret: "shortcut-test", resave: false, saveUninitialized: false }));
  const base = mount(app, handler);
  app.use((_req, res) => {
    res.setHeader(FELL_THROUGH, "1");
    res.status(404).end();
  });
  return { app, base };
}

const hit: RequestHandler = (_req, res) => void res.status(200).end();

/** Express's own matching: a plain Router with the same routes, nothing patched. */
function controlRouter(routes: Required<Routes>, extra: boolean): Router {
  const router = Router();
  router.get(routes.login, hit);
  router.get(routes.callback, hit);
  router.post(routes.logout, hit);
  if (extra) router.get("/extra", hit);
  return router;
}

async function listen(app: Express): Promise<{ server: Server; port: number }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** The raw path goes out as written (no URL normalisation): true when nobody answered it. */
function fellThrough(port: number, method: string, path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.headers[FELL_THROUGH] === "1"));
    });
    req.on("error", reject);
    req.end();
  });
}

const CASES = Object.keys(MOUNTS).flatMap((mount) => [
  [mount, "our routes only"],
  [mount, "a route the app added to our Router"],
]);

describe.each(Object.entries(CONFIGS))("routes: %s", (_name, routes) => {
  test.each(CASES)(
    "mounted %s, %s: a request reaches the Router's routes exactly when Express's own Router would",
    async (mountName, layers) => {
      const extra = layers !== "our routes only";
      const mount = MOUNTS[mountName]!;
      const auth = pitchlyAuth({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `http://127.0.0.1:3999${routes.callback}`,
        baseUrl: local.mock.url,
        routes,
        logger: recordingLogger([]),
      });
      // The app's own layer added to our Router afterwards: the shortcut must not hide it.
      if (extra) auth.router.get("/extra", hit);
      const ours = await listen(appAround(mount, auth.router).app);
      const { app: controlApp, base } = appAround(mount, controlRouter(routes, extra));
      const control = await listen(controlApp);
      try {
        const paths = pathsFor(routes).flatMap((p) => [`${base}${p}`, ...(base ? [p] : [])]);
        const differences: string[] = [];
        let reached = 0;
        for (const method of METHODS) {
          for (const path of paths) {
            const [a, b] = await Promise.all([fellThrough(ours.port, method, path), fellThrough(control.port, method, path)]);
            if (a !== b)
              differences.push(
                `${method} ${path}: ours ${a ? "fell through" : "answered"}, Express's Router ${b ? "fell through" : "answered"}`,
              );
            if (!b) reached++;
          }
        }
        expect(differences).toEqual([]);
        // The matrix really covers both sides: many requests reach the routes, many do not.
        expect(reached).toBeGreaterThan(20);
        expect(METHODS.length * paths.length - reached).toBeGreaterThan(100);
      } finally {
        ours.server.close();
        control.server.close();
      }
    },
  );
});

test("without the app's own layer, a foreign path still reaches the app's next handler unchanged", async () => {
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: "http://127.0.0.1:3999/auth/pitchly/callback",
    baseUrl: local.mock.url,
    logger: recordingLogger([]),
  });
  const app = express();
  app.use("/sso", auth.router);
  app.use("/sso", (req, res) => void res.json({ baseUrl: req.baseUrl, url: req.url, originalUrl: req.originalUrl }));
  const { server, port } = await listen(app);
  try {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/sso/api/ping?x=1", agent }, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    expect(JSON.parse(body)).toEqual({ baseUrl: "/sso", url: "/api/ping?x=1", originalUrl: "/sso/api/ping?x=1" });
  } finally {
    server.close();
  }
});
