// One app built four ways users mount the router (root, prefix, sub-app, after other routes), over any session store.
import type { Server } from "node:http";
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from "express";
import session from "express-session";
import { pitchlyAuth, type PitchlyAuth, type PitchlyAuthOptions } from "express-pitchly";
import { startMockPitchly, type MockPitchly, type MockPitchlyOptions } from "express-pitchly/testing";
import { CLIENT_ID, CLIENT_SECRET } from "./app";

export type Mount = "root" | "prefix" | "sub-app" | "after-routes";
export const MOUNTS: readonly Mount[] = ["root", "prefix", "sub-app", "after-routes"];

const ORIGIN = "http://127.0.0.1:3999";
/** Where each mount serves the auth routes and where it serves the app's own routes. */
const LAYOUT: Record<Mount, { auth: string; app: string }> = {
  root: { auth: "", app: "" },
  prefix: { auth: "/sso", app: "" },
  "sub-app": { auth: "/portal", app: "/portal" },
  "after-routes": { auth: "", app: "" },
};

export const redirectUriFor = (mount: Mount) => `${ORIGIN}${LAYOUT[mount].auth}/auth/pitchly/callback`;
/** Every redirect URI a mount may use, for the local Pitchly's client registration. */
export const ALL_REDIRECT_URIS = MOUNTS.map(redirectUriFor);

/** The local Pitchly with this app registered for every mount. */
export function startMockForMounts(options: Partial<MockPitchlyOptions> = {}): Promise<MockPitchly> {
  return startMockPitchly({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: ALL_REDIRECT_URIS }],
    ...options,
  });
}

const openServers: Server[] = [];

/**
 * Registers beforeEach/afterEach: a fresh local Pitchly (registered for every mount) per test, and every
 * server a Mounted's listen() opened closed after it, with the clock restored.
 */
export function useLocalPitchly(options: Partial<MockPitchlyOptions> = {}): { readonly mock: MockPitchly } {
  const local = {} as { mock: MockPitchly };
  beforeEach(async () => {
    local.mock = await startMockForMounts(options);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const server of openServers.splice(0)) server.close();
    await local.mock.close();
  });
  return local;
}

/** Wraps an async handler so a rejection reaches next(err) under Express 4 too. */
export const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch(next);
};

/** Lets a test hold the next request of a slow route open after its session loaded. */
export class Gate {
  private armed: { entered: () => void; held: Promise<void> } | undefined;

  /** Arms the gate; resolves `entered` once a request is inside, which waits until `release()`. */
  arm(): { entered: Promise<void>; release: () => void } {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    this.armed = { entered, held };
    return { entered: inside, release };
  }

  async pass(): Promise<void> {
    const armed = this.armed;
    this.armed = undefined;
    if (!armed) return;
    armed.entered();
    await armed.held;
  }
}

export interface Mounted {
  app: Express;
  auth: PitchlyAuth;
  gate: Gate;
  paths: { login: string; logout: string; token: string; refresh: string; write: string; read: string };
  listen(): Server;
}

const renderError: ErrorRequestHandler = (err, _req, res, _next) => {
  const e = err as { status?: number; code?: string };
  res.status(e.status ?? 500).json({ error: e.code ?? "internal" });
};

/** The app, mounted as `mount`, with its sessions in `store`; call again with the same store for a restart. */
/** More routes of the app under test, registered beside the standard ones (same mount, same base path). */
export type ExtraRoutes = (routes: express.Router, auth: PitchlyAuth) => void;

export function mountedApp(
  mount: Mount,
  mock: MockPitchly,
  store: session.Store,
  options: Partial<PitchlyAuthOptions> = {},
  extra?: ExtraRoutes,
): Mounted {
  const auth = pitchlyAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: redirectUriFor(mount),
    baseUrl: mock.url,
    httpTimeoutMs: 2000,
    ...options,
  });
  const gate = new Gate();
  const routes = express.Router();
  routes.get("/api/token", auth.requirePitchlyToken(), (req, res) => {
    res.json({ grantKey: req.pitchly.grantKey, expiresAt: req.pitchly.expiresAt });
  });
  routes.post(
    "/api/refresh",
    auth.requirePitchlyToken(),
    wrap(async (req, res) => {
      await req.pitchly.refresh();
      res.json({ expiresAt: req.pitchly.expiresAt });
    }),
  );
  // A slow page of the app that changes the session, and one that only reads it.
  routes.post(
    "/slow-write",
    wrap(async (req, res) => {
      await gate.pass();
      const s = req.session as unknown as { hits?: number };
      s.hits = (s.hits ?? 0) + 1;
      res.json({ hits: s.hits });
    }),
  );
  routes.get(
    "/slow-read",
    wrap(async (req, res) => {
      await gate.pass();
      res.json({ hits: (req.session as unknown as { hits?: number }).hits ?? 0 });
    }),
  );
  extra?.(routes, auth);

  const app = express();
  app.use(session({ secret: "test-session-secret", resave: false, saveUninitialized: false, store }));
  if (mount === "root") {
    app.use(auth.router);
    app.use(routes);
  } else if (mount === "prefix") {
    app.use("/sso", auth.router);
    app.use(routes);
  } else if (mount === "sub-app") {
    const sub = express();
    sub.use(auth.router);
    sub.use(routes);
    app.use("/portal", sub);
  } else {
    app.use(routes);
    app.use(auth.router);
  }
  app.use(renderError);
  const { auth: authBase, app: appBase } = LAYOUT[mount];
  return {
    app,
    auth,
    gate,
    paths: {
      login: `${authBase}/auth/pitchly/login`,
      logout: `${authBase}/auth/pitchly/logout`,
      token: `${appBase}/api/token`,
      refresh: `${appBase}/api/refresh`,
      write: `${appBase}/slow-write`,
      read: `${appBase}/slow-read`,
    },
    listen() {
      const server = app.listen(0, "127.0.0.1");
      openServers.push(server);
      return server;
    },
  };
}
