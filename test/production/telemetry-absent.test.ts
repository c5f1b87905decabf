// Without @opentelemetry/api installed the package loads and a full flow (sign-in, GraphQL, refresh) works.
import type * as Helpers from "../helpers/app";
import type * as Otel from "../../src/telemetry/otel";

const TWO_HOURS = 2 * 60 * 60 * 1000;

beforeAll(() => {
  // What `require` does for a package that is not in node_modules.
  jest.doMock("@opentelemetry/api", () => {
    throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: "MODULE_NOT_FOUND" });
  });
});

it("runs a full flow with the OpenTelemetry API hidden, and the loader reports it missing", async () => {
  let helpers!: typeof Helpers;
  let otel!: typeof Otel;
  jest.isolateModules(() => {
    helpers = require("../helpers/app") as typeof Helpers;
    otel = require("../../src/telemetry/otel") as typeof Otel;
  });
  expect(() => require("@opentelemetry/api")).toThrow(/Cannot find module/);
  expect(otel.otel()).toBeNull();
  const { default: request } = await import("supertest");
  const h = await helpers.createHarness();
  try {
    const agent = request.agent(h.app);
    await helpers.signIn(h, agent).then((res) => expect(res.status).toBe(302));
    await agent
      .post("/api/query")
      .send({
        query:
          "query Databases($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }",
        variables: helpers.ORG_VARIABLES,
      })
      .expect(200);
    helpers.advanceClock(TWO_HOURS);
    await agent.get("/api/me").expect(200);
    expect(h.mock.stats.token.refresh_token).toBe(1);
    h.mock.setFaults({ token: { retryAfter: 3, times: 1 } });
    helpers.advanceClock(TWO_HOURS);
    expect((await agent.get("/api/me").expect(503)).headers["retry-after"]).toBe("3");
  } finally {
    jest.restoreAllMocks();
    await h.close();
  }
});
