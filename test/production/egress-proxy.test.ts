// HTTP(S)_PROXY / NO_PROXY are honoured for every call to Pitchly (token, refresh, GraphQL); or the app's own dispatcher.
import request from "supertest";
import { ProxyAgent } from "undici";
import { pitchlyAuth } from "express-pitchly";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, advanceClock, createHarness, signIn, type Harness } from "../helpers/app";
import { capturedLogger } from "./log-sink";
import { startLoopbackProxy, type LoopbackProxy } from "./loopback-proxy";

const VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];
const saved = new Map<string, string | undefined>();
let h: Harness | undefined;
let proxy: LoopbackProxy | undefined;

beforeEach(() => {
  for (const name of VARIABLES) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
});
afterEach(async () => {
  jest.restoreAllMocks();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await h?.close();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

/** Sign in (code exchange), GraphQL, expiry (refresh), GraphQL again. */
async function fullFlow(harness: Harness): Promise<void> {
  const agent = request.agent(harness.app);
  await signIn(harness, agent).then((res) => expect(res.status).toBe(302));
  await agent.get("/api/me").expect(200);
  advanceClock(2 * 60 * 60 * 1000);
  await agent.get("/api/me").expect(200);
  expect(harness.mock.stats.token.refresh_token).toBe(1);
}

function expectThroughProxy(p: LoopbackProxy, pitchlyUrl: string): void {
  expect(p.requests).toContain(`CONNECT ${new URL(pitchlyUrl).host}`);
  const traffic = p.traffic();
  expect(traffic).toContain("POST /oauth/token");
  expect(traffic).toContain("grant_type=authorization_code");
  expect(traffic).toContain("grant_type=refresh_token");
  expect(traffic).toContain("POST /graphql");
}

it("sends the code exchange, the refresh and GraphQL through HTTP_PROXY (and HTTPS_PROXY beside it)", async () => {
  proxy = await startLoopbackProxy();
  process.env.HTTP_PROXY = proxy.url;
  process.env.HTTPS_PROXY = proxy.url;
  h = await createHarness();
  await fullFlow(h);
  expectThroughProxy(proxy, h.mock.url);
});

it("bypasses the proxy for hosts in NO_PROXY (loopback is not exempt by default: it must be listed)", async () => {
  proxy = await startLoopbackProxy();
  process.env.HTTP_PROXY = proxy.url;
  process.env.NO_PROXY = "localhost,127.0.0.1";
  h = await createHarness();
  await fullFlow(h);
  expect(proxy.requests).toEqual([]);
  expect(proxy.traffic()).toBe("");
});

it("authenticates to the proxy from the URL's credentials and never logs them", async () => {
  proxy = await startLoopbackProxy({ credentials: "egress-user:pr0xy-pa55word" });
  const { logger, lines } = capturedLogger("trace");
  process.env.HTTPS_PROXY = `http://egress-user:pr0xy-pa55word@${new URL(proxy.url).host}`;
  process.env.HTTP_PROXY = process.env.HTTPS_PROXY;
  h = await createHarness({ auth: { logger } });
  await fullFlow(h);
  expectThroughProxy(proxy, h.mock.url);
  const log = lines.join("");
  expect(log).toContain(proxy.url);
  expect(log).not.toContain("pr0xy-pa55word");
  expect(log).not.toContain(Buffer.from("egress-user:pr0xy-pa55word").toString("base64"));
  expect(log).not.toContain("egress-user");
});

it("uses the app's own dispatcher when given one, whatever the environment says", async () => {
  proxy = await startLoopbackProxy();
  process.env.NO_PROXY = "*";
  const dispatcher = new ProxyAgent(proxy.url);
  h = await createHarness({ auth: { dispatcher } });
  await fullFlow(h);
  expectThroughProxy(proxy, h.mock.url);
  await dispatcher.close();
});

it("refuses a dispatcher that is not one", () => {
  expect(() =>
    pitchlyAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, dispatcher: {} as never }),
  ).toThrow(/dispatcher: must be an undici Dispatcher/);
});
