// panva's oidc-provider on loopback, in a child process (it is ESM-only; jest's module registry cannot load it).
//
// This one file is both sides: imported by a test, it spawns itself under tsx; run that way, it is the provider.
// The tests drive it over HTTP only; the IPC channel carries what a real server would log (its events) and
// two admin questions (is this grant still there, is this refresh token consumed).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Configuration, KoaContextWithOIDC } from "oidc-provider";

export const OIDC_CLIENT_ID = "pitchly-oidc-suite";
export const OIDC_CLIENT_SECRET = "oidc-suite-client-secret-0123456789";
const OIDC_ACCOUNT = "user-1";
/** Scopes the server knows; anything else in a request is ignored, as oidc-provider does. */
const SERVER_SCOPES = ["openid", "offline_access", "read", "write", "admin"];

/** What the tests may change while the provider runs. */
export interface ProviderKnobs {
  /** oidc-provider's `pkce.required`. */
  pkceRequired: boolean;
  /** oidc-provider's `rotateRefreshToken`. */
  rotateRefreshToken: boolean;
  /** oidc-provider's `ttl.AccessToken`, in seconds. */
  accessTokenTtlSeconds: number;
  /** What the user approves on the consent step; other requested scopes are rejected. Unset: all. */
  approvedScopes?: string[];
}

export interface ProviderOptions extends Partial<ProviderKnobs> {
  redirectUris: string[];
}

/** One token endpoint call as oidc-provider saw it (`grant.success` / `grant.error`). */
export interface TokenCall {
  name: "grant.success" | "grant.error";
  grantType: string;
  /** The `scope` parameter of the request, if any. */
  requestedScope?: string;
  grantId?: string;
  /** grant.success: the answer's shape (tokens hashed, the refresh token kept for reuse checks). */
  answer?: {
    keys: string[];
    tokenType: unknown;
    expiresIn: unknown;
    scope: unknown;
    accessTokenHash: string;
    refreshToken?: string;
  };
  /** grant.error: the OAuth error and oidc-provider's internal detail (e.g. "refresh token already used"). */
  error?: string;
  errorDetail?: string;
}

export type ProviderEvent =
  | TokenCall
  | { name: "grant.revoked"; grantId: string }
  | { name: "authorization.error"; error: string; description?: string }
  | { name: "server_error"; message: string };

export interface OidcProvider {
  issuer: string;
  /** From discovery: the real paths, not guessed ones. */
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  /** Everything the provider emitted since the last `clearEvents()`, in order. */
  events(): Promise<ProviderEvent[]>;
  clearEvents(): Promise<void>;
  configure(knobs: Partial<ProviderKnobs>): Promise<void>;
  /** Back to the knobs it started with. */
  reset(): Promise<void>;
  grantExists(grantId: string): Promise<boolean>;
  refreshTokenConsumed(refreshToken: string): Promise<boolean | "unknown">;
  /** Plays the browser from the authorize URL through the interaction; returns the redirect back to the app. */
  authorize(authorizeUrl: string): Promise<URL>;
  /** Presents a refresh token at the token endpoint, as the registered client (a consumed one makes it revoke the grant). */
  redeem(refreshToken: string): Promise<Response>;
  /** Revokes a token at the revocation endpoint, as the registered client. */
  revoke(token: string, hint: "refresh_token" | "access_token"): Promise<Response>;
  close(): Promise<void>;
}

/** The app's access token as the tests compare it: never the token itself. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url").slice(0, 16);
}

export const refreshCalls = (events: ProviderEvent[]): TokenCall[] =>
  events.filter(
    (e): e is TokenCall => (e.name === "grant.success" || e.name === "grant.error") && e.grantType === "refresh_token",
  );

export const codeGrants = (events: ProviderEvent[]): TokenCall[] =>
  events.filter((e): e is TokenCall => e.name === "grant.success" && e.grantType === "authorization_code");

export const successes = (calls: TokenCall[]): TokenCall[] => calls.filter((c) => c.name === "grant.success");

type Request =
  | { id: number; op: "sync" | "reset" }
  | { id: number; op: "configure"; knobs: Partial<ProviderKnobs> }
  | { id: number; op: "grantExists"; grantId: string }
  | { id: number; op: "consumed"; refreshToken: string };
type Question = Request extends infer R ? (R extends Request ? Omit<R, "id"> : never) : never;
type Message =
  { type: "ready"; issuer: string } | { type: "event"; event: ProviderEvent } | { type: "reply"; id: number; result: unknown };

const CHILD_ENV = "PITCHLY_OIDC_PROVIDER_CONFIG";
const ROOT = resolve(__dirname, "../..");

export async function startOidcProvider(options: ProviderOptions): Promise<OidcProvider> {
  const child = spawn(process.execPath, ["--import", "tsx", __filename], {
    cwd: ROOT,
    env: { ...process.env, [CHILD_ENV]: JSON.stringify(options) },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  let events: ProviderEvent[] = [];
  const pending = new Map<number, { done(result: unknown): void; fail(err: Error): void }>();
  let nextId = 1;
  const exited = (code: number | null) => new Error(`oidc-provider exited (${code}):\n${stderr}`);
  const issuer = await new Promise<string>((ready, fail) => {
    child.on("message", (m: Message) => {
      if (m.type === "ready") ready(m.issuer);
      else if (m.type === "event") events.push(m.event);
      else {
        pending.get(m.id)?.done(m.result);
        pending.delete(m.id);
      }
    });
    child.once("exit", (code) => {
      fail(exited(code));
      for (const question of pending.values()) question.fail(exited(code));
    });
  });
  // One IPC channel, in order: a reply arrives after every event sent before it.
  const ask = <T>(req: Question): Promise<T> =>
    new Promise<T>((done, fail) => {
      if (child.exitCode !== null) return fail(exited(child.exitCode));
      const id = nextId++;
      pending.set(id, { done: done as (result: unknown) => void, fail });
      child.send({ ...req, id });
    });
  const asClient = (url: string, form: Record<string, string>) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ ...form, client_id: OIDC_CLIENT_ID, client_secret: OIDC_CLIENT_SECRET }),
    });
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  return {
    issuer,
    authorizationEndpoint: discovery.authorization_endpoint!,
    tokenEndpoint: discovery.token_endpoint!,
    revocationEndpoint: discovery.revocation_endpoint!,
    events: async () => (await ask({ op: "sync" }), [...events]),
    clearEvents: async () => (await ask({ op: "sync" }), void (events = [])),
    configure: (knobs) => ask({ op: "configure", knobs }),
    reset: () => ask({ op: "reset" }),
    grantExists: (grantId) => ask({ op: "grantExists", grantId }),
    refreshTokenConsumed: (refreshToken) => ask({ op: "consumed", refreshToken }),
    authorize: (authorizeUrl) => playBrowser(issuer, authorizeUrl),
    redeem: (refreshToken) => asClient(discovery.token_endpoint!, { grant_type: "refresh_token", refresh_token: refreshToken }),
    revoke: (token, hint) => asClient(discovery.revocation_endpoint!, { token, token_type_hint: hint }),
    close: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill();
  });
}

/** Follows redirects on the provider's origin with a cookie jar, like a browser, until it leaves for the app. */
async function playBrowser(issuer: string, start: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  for (let hop = 0; hop < 10; hop++) {
    if (url.origin !== new URL(issuer).origin) return url;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`oidc-provider answered ${res.status} at ${url.pathname}: ${(await res.text()).slice(0, 500)}`);
    }
    url = new URL(location, url);
  }
  throw new Error("too many redirects at oidc-provider");
}

// ---- the child process: oidc-provider itself ----

async function runProvider({ redirectUris, ...given }: ProviderOptions): Promise<void> {
  const { default: Provider } = await import("oidc-provider");
  const initial: ProviderKnobs = { pkceRequired: false, rotateRefreshToken: true, accessTokenTtlSeconds: 120, ...given };
  const knobs: ProviderKnobs = { ...initial };
  const send = (m: Message) => process.send?.(m);
  const emit = (event: ProviderEvent) => send({ type: "event", event });

  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        // express-pitchly sends its credentials in the form body, as Pitchly's own client does.
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    scopes: SERVER_SCOPES,
    // Refresh tokens for every code grant, not only with offline_access + prompt=consent.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => knobs.rotateRefreshToken,
    pkce: { required: () => knobs.pkceRequired },
    ttl: {
      AccessToken: () => knobs.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 86400,
      RefreshToken: 86400,
    },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    cookies: { keys: ["oidc-suite-cookie-key-not-secret"] },
  };
  const provider = new Provider(issuer, configuration);

  const params = (ctx: KoaContextWithOIDC) => (ctx.oidc?.params ?? {}) as Record<string, unknown>;
  const tokenCall = (ctx: KoaContextWithOIDC, name: TokenCall["name"]): TokenCall => {
    const p = params(ctx);
    const call: TokenCall = { name, grantType: String(p.grant_type) };
    if (typeof p.scope === "string") call.requestedScope = p.scope;
    const grantId = ctx.oidc?.entities.Grant?.jti;
    if (grantId) call.grantId = grantId;
    return call;
  };
  provider.on("grant.success", (ctx) => {
    const body = ctx.body as Record<string, unknown>;
    const answer: NonNullable<TokenCall["answer"]> = {
      keys: Object.keys(body).sort(),
      tokenType: body.token_type,
      expiresIn: body.expires_in,
      scope: body.scope,
      accessTokenHash: tokenHash(String(body.access_token)),
    };
    if (typeof body.refresh_token === "string") answer.refreshToken = body.refresh_token;
    emit({ ...tokenCall(ctx, "grant.success"), answer });
  });
  provider.on("grant.error", (ctx, err) => {
    const call = tokenCall(ctx, "grant.error");
    call.error = err.error;
    if (err.error_detail) call.errorDetail = err.error_detail;
    emit(call);
  });
  provider.on("grant.revoked", (_ctx, grantId) => emit({ name: "grant.revoked", grantId }));
  provider.on("authorization.error", (_ctx, err) => {
    emit({ name: "authorization.error", error: err.error, ...(err.error_description && { description: err.error_description }) });
  });
  provider.on("server_error", (_ctx, err) => emit({ name: "server_error", message: err.message }));

  /** The login and consent step in one: the user is OIDC_ACCOUNT and approves `approvedScopes`. */
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const requested = String(details.params.scope ?? "")
      .split(" ")
      .filter(Boolean);
    const approved = requested.filter((s) => knobs.approvedScopes?.includes(s) ?? true);
    const rejected = requested.filter((s) => !approved.includes(s));
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: OIDC_ACCOUNT, clientId: String(details.params.client_id) });
    if (approved.length) grant.addOIDCScope(approved.join(" "));
    if (rejected.length) grant.rejectOIDCScope(rejected.join(" "));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: OIDC_ACCOUNT }, consent: { grantId } });
  }

  const callback = provider.callback();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url?.startsWith("/interaction/")) {
      interaction(req, res).catch((err: Error) => {
        res.statusCode = 500;
        res.end(`interaction failed: ${err.message}`);
      });
      return;
    }
    void callback(req, res);
  });

  process.on("message", (m: Request) => {
    const reply = (result: unknown) => send({ type: "reply", id: m.id, result });
    if (m.op === "configure") Object.assign(knobs, m.knobs);
    if (m.op === "reset") {
      for (const key of Object.keys(knobs)) delete knobs[key as keyof ProviderKnobs];
      Object.assign(knobs, initial);
    }
    if (m.op === "grantExists") return void provider.Grant.find(m.grantId).then((g) => reply(g !== undefined));
    if (m.op === "consumed") {
      return void provider.RefreshToken.find(m.refreshToken, { ignoreExpiration: true }).then((t) =>
        reply(t ? Boolean(t.consumed) : "unknown"),
      );
    }
    reply(null);
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", issuer });
}

if (process.env[CHILD_ENV]) {
  runProvider(JSON.parse(process.env[CHILD_ENV]) as ProviderOptions).catch((err: unknown) => {
    process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  });
}
