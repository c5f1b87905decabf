// req.pitchly.graphql(): the token sent both ways, one refresh + one retry on token-invalid, typed errors otherwise.
import http from "node:http";
import request from "supertest";
import express from "express";
import session from "express-session";
import { PitchlyGraphQLError, pitchlyAuth } from "express-pitchly";
import { createHarness, signIn, CLIENT_ID, CLIENT_SECRET, DATABASES_ANSWER, REDIRECT_URI, type Harness } from "../helpers/app";
import { approvedLogin } from "../helpers/flows";

let h: Harness;
afterEach(() => h?.close());

describe("req.pitchly.graphql", () => {
  it("refreshes once and retries once when Pitchly says token-invalid", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.resetStats();
    h.mock.expireAccessTokens();
    const res = await agent.get("/api/me").expect(200);
    expect(res.body).toEqual(DATABASES_ANSWER);
    expect(h.mock.stats.token.refresh_token).toBe(1);
    expect(h.mock.stats.graphql).toBe(2);
  });

  it("gives up with login_required when the refreshed token is refused too", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    h.mock.setFaults({ graphql: { body: JSON.stringify({ errors: [{ message: "token-invalid" }] }) } });
    const res = await agent.get("/api/me").expect(401);
    expect(res.body.error).toBe("login_required");
    expect(h.mock.stats.graphql).toBe(2);
    expect(h.mock.stats.token.refresh_token).toBe(1);
  });

  it("rejects other GraphQL errors with PitchlyGraphQLError carrying the errors", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const res = await agent.post("/api/query").send({ query: "query { nope }" }).expect(502);
    expect(res.body.error).toBe("graphql_error");
    expect(res.body.errors[0].message).toMatch(/nope/);
    expect(h.mock.stats.token.refresh_token).toBe(0);
  });

  it("sends the token as the accessToken variable and as a Bearer header", async () => {
    const seen: Array<{ auth?: string; body: string }> = [];
    const fake = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ auth: req.headers.authorization, body });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ data: { ok: true } }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const port = (fake.address() as { port: number }).port;
    h = await createHarness();
    const auth = pitchlyAuth({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      baseUrl: h.mock.url,
      graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    });
    const app = express();
    app.use(session({ secret: "s", resave: false, saveUninitialized: false }));
    app.use(auth.router);
    app.get("/q", auth.requirePitchlyToken(), async (req, res) => {
      res.json({ data: await req.pitchly.graphql("query Q($n: Int) { ok }", { n: 1 }), token: req.pitchly.accessToken });
    });
    const agent = request.agent(app);
    await agent.get((await approvedLogin(h.mock, agent)).callbackPath).expect(302);
    const res = await agent.get("/q").expect(200);
    fake.close();
    expect(res.body.data).toEqual({ ok: true });
    const token = res.body.token as string;
    expect(seen[0]!.auth).toBe(`Bearer ${token}`);
    expect(JSON.parse(seen[0]!.body)).toEqual({ query: "query Q($n: Int) { ok }", variables: { n: 1, accessToken: token } });
  });

  it("keeps tokens out of JSON serialisation of req.pitchly", async () => {
    h = await createHarness();
    const agent = request.agent(h.app);
    await signIn(h, agent);
    const app = h.app;
    app.get("/leak", h.auth.requirePitchlyToken(), (req, res) => res.json({ ctx: req.pitchly }));
    const res = await agent.get("/leak").expect(200);
    expect(res.body.ctx.grantKey).toEqual(expect.any(String));
    expect(res.body.ctx.expiresAt).toEqual(expect.any(Number));
    expect(res.text).not.toMatch(/pat_|prt_/);
  });

  it("exports PitchlyGraphQLError with the errors array", () => {
    const err = new PitchlyGraphQLError([{ message: "boom" }, { message: "two" }]);
    expect(err.code).toBe("graphql_error");
    expect(err.errors).toHaveLength(2);
    expect(err.message).toBe("Pitchly GraphQL error: boom (+1 more)");
  });
});
